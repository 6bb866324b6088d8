/**
 * @module server/fake-lab.testkit
 * A small Lab for server tests that must not depend on the simulator: three nodes, one link,
 * commands `echo WORDS`, `ping HOST` (a line every 20 ms until Ctrl-C or -c N), `fail`,
 * `spew N` (N characters of output) and `sleep`; records link/node changes and who ran what.
 */
import { LabError } from "../core/errors.js";
import type { ClockState, Execution, Lab, LinkInfo, LinkShape, NodeInfo } from "../lab/lab.js";
import { describeShape } from "../lab/link-shape.js";
import type { Topology } from "../topology/model.js";

export class FakeLab implements Lab {
  readonly engine = "fake";
  readonly topology = { name: "fake", nodes: [], links: [] } as unknown as Topology;
  readonly names = ["vm1", "vm2", "vm3"];
  readonly ran: { node: string; line: string; user: string | undefined }[] = [];
  readonly changes: string[] = [];
  running = 0;

  nodes(): NodeInfo[] {
    return this.names.map((name, i) => ({
      name,
      kind: "router" as const,
      up: true,
      routing: "static",
      interfaces: [{ name: "epair0a", addr: `10.0.${i + 1}.1`, len: 24, up: true }],
    }));
  }
  links(): LinkInfo[] {
    return [];
  }
  routes(node: string) {
    this.check(node);
    return [];
  }
  private check(node: string): void {
    if (!this.names.includes(node))
      throw new LabError(`unknown node '${node}'`, { field: "node" }, "not-found");
  }
  exec(node: string, line: string, opts: { user?: string; write?: (s: string) => void } = {}): Execution {
    this.check(node);
    this.ran.push({ node, line, user: opts.user });
    const write = opts.write ?? (() => {});
    const [cmd, ...args] = line.trim().split(/\s+/);
    let exitCode: number | undefined;
    let resolve!: (c: number) => void;
    const done = new Promise<number>((r) => {
      resolve = r;
    });
    this.running++;
    const finish = (c: number) => {
      if (exitCode !== undefined) return;
      exitCode = c;
      this.running--;
      resolve(c);
    };
    let interrupt = () => finish(130);
    switch (cmd) {
      case "echo":
        write(`${args.join(" ")}\n`);
        finish(0);
        break;
      case "fail":
        write("it failed\n");
        finish(3);
        break;
      case "spew":
        write("x".repeat(Number(args[0])));
        finish(0);
        break;
      case "ping": {
        const host = args[args.length - 1]!;
        const ci = args.indexOf("-c");
        const count = ci >= 0 ? Number(args[ci + 1]) : Number.POSITIVE_INFINITY;
        let seq = 0;
        write(`PING ${host}: 56 data bytes\n`);
        const stats = () =>
          write(`\n--- ${host} ping statistics ---\n${seq} packets transmitted, ${seq} packets received\n`);
        const timer = setInterval(() => {
          write(`64 bytes from ${host}: icmp_seq=${seq++} ttl=64 time=0.1 ms\n`);
          if (seq >= count) {
            clearInterval(timer);
            stats();
            finish(0);
          }
        }, 20);
        interrupt = () => {
          clearInterval(timer);
          if (exitCode === undefined) stats();
          finish(seq > 0 ? 0 : 2);
        };
        break;
      }
      case "sleep":
        break;
      default:
        write(`${cmd}: Command not found.\n`);
        finish(127);
    }
    return {
      done,
      get exitCode() {
        return exitCode;
      },
      interrupt: () => interrupt(),
    };
  }
  setLink(a: string, b: string, up: boolean, opts?: { silent?: boolean }): void {
    this.check(a);
    this.check(b);
    this.changes.push(`link ${a} ${b} ${up ? "up" : "down"}${opts?.silent ? " silent" : ""}`);
  }
  setLinkShape(a: string, b: string, shape: LinkShape): void {
    this.check(a);
    this.check(b);
    this.changes.push(`link ${a} ${b} ${describeShape(shape)}`);
  }
  setNode(node: string, up: boolean): void {
    this.check(node);
    this.changes.push(`node ${node} ${up ? "up" : "down"}`);
  }
  onEvent(): () => void {
    return () => {};
  }
  clock(): ClockState {
    return { now: 0, speed: 1, paused: false };
  }
  async advance(): Promise<void> {}
  async advanceUntil(cond: () => boolean): Promise<boolean> {
    return cond();
  }
  async close(): Promise<void> {}
}
