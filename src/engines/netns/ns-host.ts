/**
 * @module engines/netns/ns-host
 * The simulator's Host interface (sim/host.ts) for a node of the netns engine, seen from the
 * lab's process, which lives outside the node's namespace: what a program such as `rtquery`
 * (apps/rtquery.ts) needs to run unchanged, on real sockets of the namespace.
 *
 * Node cannot enter a namespace, so each bound UDP port is a small relay process started
 * inside it (`ip netns exec NS node -e RELAY PORT`): it binds the port, sends the datagrams
 * written to its stdin and writes those it receives to stdout, one line each (base64). The
 * request of `rtquery` therefore leaves from the namespace's own stack to UDP port 520, and
 * FRR's ripd answers it (real-host.ts is the inside twin, for a daemon started in a namespace).
 *
 * ICMP is not offered: `ping` and `traceroute` are the kernel's own programs on this engine
 * (ShellContext.ping/traceroute). Routes are changed through the ShellContext (iproute2), and
 * `setRoute`/`deleteRoute` here go the same way. Node's dgram cannot set IP_TOS, so the relay's
 * packets carry no user mark: the picture charges them to root.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { formatIpv4, type Ipv4, maskOf, parseIpv4 } from "../../core/ip.js";
import { Rng } from "../../core/rng.js";
import type {
  Datagram,
  Host,
  HostInterface,
  IcmpMessage,
  Reason,
  RouteSpec,
  SendResult,
} from "../../sim/host.js";
import type { ShellRoute } from "../../shell/context.js";
import { WallClockHost } from "./wall-clock-host.js";

/**
 * The relay, run with `node -e` (argv[1] = the port): plain JavaScript with no import of the
 * project, so it runs the same from the sources (tests) and from dist/.
 */
const RELAY = `
const s = require("node:dgram").createSocket("udp4");
s.on("error", (e) => { process.stdout.write("error " + (e.code || e.message) + "\\n"); process.exit(1); });
s.on("message", (m, r) => process.stdout.write("msg " + r.address + " " + r.port + " " + m.toString("base64") + "\\n"));
s.bind(Number(process.argv[1]), () => process.stdout.write("bound\\n"));
let buf = "";
process.stdin.setEncoding("utf8").on("data", (d) => {
  buf += d;
  for (let i; (i = buf.indexOf("\\n")) >= 0; buf = buf.slice(i + 1)) {
    const [dst, port, b64] = buf.slice(0, i).split(" ");
    s.send(Buffer.from(b64, "base64"), Number(port), dst);
  }
});
process.stdin.on("end", () => process.exit(0));
`;

export interface NamespaceHostOptions {
  name: string;
  netns: string;
  interfaces: () => readonly HostInterface[];
  routes: () => readonly ShellRoute[];
  /** Runs `ip ARGS…` inside the namespace (route changes). */
  ip: (args: string[]) => Promise<unknown>;
  /** Learns each process started (the lab stops them on close). */
  track: (c: ChildProcess) => void;
  /** A relay's trouble (bind failed), for the lab's log. */
  log: (line: string) => void;
}

export class NamespaceHost extends WallClockHost implements Host {
  readonly name: string;
  readonly rng = new Rng(1);
  private readonly relays = new Map<number, ChildProcess>();

  constructor(private readonly o: NamespaceHostOptions) {
    super();
    this.name = o.name;
  }

  interfaces(): readonly HostInterface[] {
    return this.o.interfaces();
  }

  private ifaceOf(a: Ipv4): number {
    for (const i of this.interfaces()) if (i.isLink && ((i.addr ^ a) & maskOf(i.len)) === 0) return i.index;
    return 0;
  }

  udpBind(port: number, handler: (d: Datagram) => void): { close(): void } {
    if (this.relays.has(port)) throw new Error("EADDRINUSE");
    const child = spawn("ip", ["netns", "exec", this.o.netns, process.execPath, "-e", RELAY, String(port)], {
      stdio: ["pipe", "pipe", "pipe"],
    });
    this.o.track(child);
    this.relays.set(port, child);
    let buf = "";
    child.stdout!.setEncoding("utf8").on("data", (d: string) => {
      buf += d;
      const lines = buf.split("\n");
      buf = lines.pop()!;
      for (const line of lines) {
        const [kind, a, b, c] = line.split(" ");
        if (kind === "error") this.o.log(`netns: ${this.name}: UDP port ${port}: ${a}`);
        if (kind !== "msg") continue;
        const src = parseIpv4(a ?? "") ?? 0;
        const payload = new Uint8Array(Buffer.from(c ?? "", "base64"));
        handler({
          src,
          dst: 0,
          srcPort: Number(b),
          dstPort: port,
          ttl: 0,
          iface: this.ifaceOf(src),
          payload,
        });
      }
    });
    child.stdin!.on("error", () => {
      // the relay ended (its bind failed, or the lab closed): the datagrams written are lost
    });
    child.on("exit", () => this.relays.delete(port));
    return { close: () => this.closePort(port) };
  }

  private closePort(port: number): void {
    const c = this.relays.get(port);
    if (!c) return;
    this.relays.delete(port);
    c.kill("SIGTERM");
  }

  /** Ends every relay (the program that bound them ended, or was killed with its router). */
  close(): void {
    for (const port of [...this.relays.keys()]) this.closePort(port);
  }

  joinGroup(_group: Ipv4): void {
    // no program run from the shell listens to a group
  }

  sendUdp(dst: Ipv4, srcPort: number, dstPort: number, payload: Uint8Array): SendResult {
    const c = this.relays.get(srcPort);
    if (!c || !c.stdin!.writable) return { ok: false, error: "ENETDOWN" };
    c.stdin!.write(`${formatIpv4(dst)} ${dstPort} ${Buffer.from(payload).toString("base64")}\n`);
    return { ok: true, packet: 0 };
  }

  icmpListen(_handler: (m: IcmpMessage) => void): { close(): void } {
    return { close() {} };
  }

  setRoute(_source: string, r: RouteSpec, _reason: Reason): void {
    const args = ["route", "replace", `${formatIpv4(r.dest)}/${r.len}`];
    if (r.gateway !== 0) args.push("via", formatIpv4(r.gateway));
    void this.o.ip([...args, "proto", "static"]).catch((e: Error) => this.o.log(e.message));
  }

  deleteRoute(_source: string, dest: Ipv4, len: number, _reason: Reason): void {
    void this.o.ip(["route", "del", `${formatIpv4(dest)}/${len}`]).catch((e: Error) => this.o.log(e.message));
  }

  /** Longest prefix match in the kernel's table as last read. */
  lookup(dst: Ipv4): { gateway: Ipv4; iface: number; len: number; source: string } | undefined {
    let best: ShellRoute | undefined;
    for (const r of this.o.routes())
      if (((dst ^ r.dest) & maskOf(r.len)) === 0 && (!best || r.len > best.len)) best = r;
    return best && { gateway: best.gateway, iface: best.iface, len: best.len, source: best.source };
  }

  onInterfaceChange(_fn: (iface: HostInterface) => void): { close(): void } {
    return { close() {} };
  }
}
