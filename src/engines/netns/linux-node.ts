/**
 * @module engines/netns/linux-node
 * What a node's Linux commands change in its namespace beyond the routes: the address aliases
 * (`ifconfig eth0:1 …`, `ip addr add … label …`, run as the real tools once the shared front end
 * has checked them) and Debian's xinetd, run in the foreground (`-dontfork`) so the lab owns it:
 * it is stopped with the lab, and `reload` is the SIGHUP the init script sends
 * (xinetd/init.c: SIGHUP re-reads the configuration).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { LabError } from "../../core/errors.js";
import { formatIpv4 } from "../../core/ip.js";
import type { NodeAlias } from "../../sim/node-system.js";
import { aliasArgv } from "./linux-native.js";
import type { PlannedNode } from "./plan.js";
import type { RunResult } from "./sys.js";

export interface LinuxNodeDeps {
  plan: PlannedNode;
  /** Runs a program in the namespace to completion. */
  exec(argv: readonly string[]): Promise<RunResult>;
  /** The kernel table changed: read it again. */
  reread(): Promise<void>;
  /** The lab stops what it tracks when it closes. */
  track(c: ChildProcess): void;
  /** A directory of the lab's own (xinetd's pid file). */
  stateDir: string;
  log(line: string): void;
  /** Why the node's xinetd files may not run on the real xinetd (linux-native.ts), or undefined. */
  xinetdConfigProblem(): string | undefined;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class LinuxNode {
  private readonly added: NodeAlias[] = [];
  private xinetdProc: ChildProcess | null = null;

  constructor(private readonly d: LinuxNodeDeps) {}

  aliases(): readonly NodeAlias[] {
    return this.added;
  }

  async addAlias(a: NodeAlias): Promise<string | undefined> {
    const iface = this.d.plan.ifaces.find((i) => i.index === a.iface);
    if (iface === undefined) return "ENODEV";
    // The kernel's label is the interface's kernel name with the alias's suffix.
    const label = `${iface.kname}${a.label.slice(a.label.indexOf(":"))}`;
    const r = await this.d.exec(aliasArgv(label, a.addr, a.len, a.brd));
    if (r.code !== 0) return /File exists/.test(r.stderr) ? "EEXIST" : "ENODEV";
    const old = this.added.findIndex((x) => x.label === a.label);
    if (old >= 0) this.added.splice(old, 1);
    this.added.push(a);
    await this.d.reread();
    return undefined;
  }

  async removeAlias(m: { label?: string; addr?: number }): Promise<boolean> {
    const k = this.added.findIndex((x) => x.label === m.label || x.addr === m.addr);
    const a = this.added[k];
    if (a === undefined) return false;
    const iface = this.d.plan.ifaces.find((i) => i.index === a.iface)!;
    const r = await this.d.exec(["ip", "addr", "del", `${formatIpv4(a.addr)}/${a.len}`, "dev", iface.kname]);
    if (r.code !== 0) return false;
    this.added.splice(k, 1);
    await this.d.reread();
    return true;
  }

  private running(): boolean {
    const p = this.xinetdProc;
    return p !== null && p.exitCode === null && p.signalCode === null;
  }

  /** The init script's verbs on the real xinetd; whether it succeeded (status: whether it runs). */
  async xinetd(verb: "start" | "stop" | "reload" | "status"): Promise<boolean> {
    if (verb === "status") return this.running();
    if (verb !== "stop") {
      const bad = this.d.xinetdConfigProblem();
      if (bad !== undefined) throw new LabError(bad, { field: "files" });
    }
    if (verb === "reload") return this.running() && this.xinetdProc!.kill("SIGHUP");
    if (verb === "stop") {
      const p = this.xinetdProc;
      if (p !== null && this.running()) {
        const gone = new Promise<void>((r) => p.once("exit", () => r()));
        p.kill("SIGTERM");
        await Promise.race([gone, sleep(3000)]);
      }
      this.xinetdProc = null;
      return true;
    }
    // start-stop-daemon --oknodo: one already running is success.
    if (this.running()) return true;
    const pidfile = join(this.d.stateDir, `xinetd-${this.d.plan.name}.pid`);
    const p = spawn(
      "ip",
      ["netns", "exec", this.d.plan.netns, "xinetd", "-dontfork", "-stayalive", "-pidfile", pidfile],
      { stdio: ["ignore", "ignore", "pipe"] },
    );
    this.d.track(p);
    this.xinetdProc = p;
    let err = "";
    p.stderr!.setEncoding("utf8").on("data", (s: string) => {
      err = (err + s).slice(-2000);
    });
    p.on("error", (e) => this.d.log(`netns: ${this.d.plan.name}: xinetd: ${e.message}`));
    // Started when it has written its pid file (after binding its services), or failed when it left.
    for (let k = 0; k < 100; k++) {
      if (!this.running()) {
        this.d.log(`netns: ${this.d.plan.name}: xinetd exited: ${err.trim()}`);
        return false;
      }
      if (existsSync(pidfile) && statSync(pidfile).size > 0) return true;
      await sleep(50);
    }
    return this.running();
  }
}
