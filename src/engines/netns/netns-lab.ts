/**
 * @module engines/netns/netns-lab
 * The Lab interface on Linux network namespaces: one namespace per router, a veth pair per
 * link (the topology's names, addresses and the simulator's MAC addresses), FRR zebra + ripd
 * per RIP router with generated configs, static routes with `ip route`. Commands run through
 * the shell's front ends as on the simulator, answered by the namespace's kernel and FRR
 * (shell-context.ts). The clock is the wall clock since boot (advance sleeps). Kernel changes
 * asked for synchronously (setLink/setNode) are queued in order and awaited by
 * advance/advanceUntil/close.
 *
 * The rooms: boot.ts builds (namespaces, node batches, daemons, shaping) in lab-boot.ts's order,
 * lab-clock.ts keeps the time, node-runtime.ts each node's state and the Lab's readings of it,
 * route-table.ts reads the kernel tables, counters.ts the interfaces, neighbours.ts the ARP
 * cache, shell-context.ts answers commands, native-programs.ts and ns-host.ts run programs
 * inside a namespace.
 */
import type { ChildProcess } from "node:child_process";
import { rmSync } from "node:fs";
import type { Program } from "../../apps/process.js";
import { LabError } from "../../core/errors.js";
import type { LabEvent, LabEventKind } from "../../core/events.js";
import { formatIpv4 } from "../../core/ip.js";
import type { Nanos } from "../../core/time.js";
import type {
  ClockState,
  ExecOptions,
  Execution,
  Lab,
  LinkInfo,
  LinkShape,
  NodeInfo,
  RouteInfo,
  WireListener,
} from "../../lab/lab.js";
import { ofKinds } from "../../lab/lab.js";
import type { CommandRegistry } from "../../shell/commands.js";
import { HostsTable, type ShellInterface } from "../../shell/context.js";
import { runCommand } from "../../shell/run.js";
import type { Topology } from "../../topology/model.js";
import { Daemons, installStatics, pool, Shaping } from "./boot.js";
import { LinkCaptures, tapKernelLink } from "./capture.js";
import { Links } from "./links.js";
import { readInterfaces } from "./counters.js";
import { netnsCommandRegistry, spawnInNamespace } from "./native-programs.js";
import { NamespaceHost } from "./ns-host.js";
import type { LabPlan } from "./plan.js";
import { planLab } from "./plan.js";
import { RouteTables } from "./route-table.js";
import { readNeighbours } from "./neighbours.js";
import { bootLab } from "./lab-boot.js";
import { LabClock } from "./lab-clock.js";
import { type NodeRuntime, nodeInfo, nodeRuntimes, routeInfo } from "./node-runtime.js";
import { netnsShellContext } from "./shell-context.js";
import { UserMarks } from "./user-marks.js";
import { daemonPidFiles, killRecorded, removeNamespaces, removeSync, StateFile } from "./state.js";
import { ipBatch, run, runOk } from "./sys.js";
import { NetnsSsh } from "./sshd.js";
import type { ShellHop } from "../../shell/session.js";
import { parseIpv4 } from "../../core/ip.js";

export { haveFrr } from "./boot.js";

export interface NetnsLabOptions {
  /** Namespace name prefix (default `rl-<lab name>`). */
  prefix?: string;
  /** Directory of zebra and the routing daemons (default /usr/lib/frr). */
  frrDir?: string;
  /** Capture every link and emit hop/deliver/drop events (default true). */
  capture?: boolean;
  /** RIP nodes whose routing daemon the caller runs itself (interop tests): no FRR there. */
  externalRouting?: string[];
  /** Progress and notes (e.g. "netem missing: link delay not emulated"). */
  log?: (line: string) => void;
}

export class NetnsLab implements Lab {
  readonly engine = "netns";
  readonly plan: LabPlan;
  readonly state: StateFile;
  private readonly captureOn: boolean;
  private readonly log: (s: string) => void;
  private readonly nodesRt: Map<string, NodeRuntime>;
  /** The links' state and changes (named so: `links()` is the Lab's reading). */
  private readonly links_: Links;
  private readonly listeners = new Set<(e: LabEvent) => void>();
  private readonly wireListeners = new Set<WireListener>();
  private readonly hosts: HostsTable;
  private readonly children = new Set<ChildProcess>();
  private readonly daemons: Daemons;
  /** Every node's real sshd, and the real ssh client behind Lab.ssh (sshd.ts). */
  private readonly sshs: NetnsSsh;
  private readonly shaping: Shaping;
  private readonly tables: RouteTables;
  /** The shell's commands, and `ip`, which reaches the namespace's own tool (vtysh goes through the context). */
  private readonly commands: CommandRegistry;
  private readonly marks = new UserMarks();
  private readonly clock_ = new LabClock(() => this.settle());
  private queue: Promise<void> = Promise.resolve();
  private queueError: unknown = null;
  private closed = false;
  netem = false;
  /** Boot phases in ms, for the benchmark and the report. */
  readonly timings: Record<string, number> = {};
  private exitHook = () => this.closeSync();

  constructor(
    readonly topology: Topology,
    prefix: string,
    opts: NetnsLabOptions,
  ) {
    this.plan = planLab(topology, prefix);
    this.state = new StateFile(prefix);
    this.captureOn = opts.capture ?? true;
    this.log = opts.log ?? (() => {});
    this.hosts = new HostsTable(
      this.plan.nodes.map((n) => ({ name: n.name, addrs: n.ifaces.map((i) => i.addr) })),
    );
    this.daemons = new Daemons(
      topology,
      this.state,
      opts.frrDir ?? "/usr/lib/frr",
      new Set(opts.externalRouting ?? []),
    );
    this.shaping = new Shaping(this.plan.nodes[0]?.netns);
    this.tables = new RouteTables({
      plan: this.plan,
      emit: (e) => this.emit(e),
      now: () => this.now(),
      log: (s) => this.log(s),
      closed: () => this.closed,
      vtyDir: (n) => this.daemons.vtyDir(n),
    });
    this.nodesRt = nodeRuntimes(topology, this.plan, {
      reread: (n) => this.tables.resync(n),
      track: (c) => this.track(c),
      stateDir: this.state.dir,
      log: (s) => this.log(s),
    });
    this.links_ = new Links({
      topology,
      plan: this.plan,
      shaping: this.shaping,
      netem: () => this.netem,
      checkNode: (n) => this.rt(n),
      mayRaise: (n, kname) => {
        const rt = this.nodesRt.get(n)!;
        return rt.up && !rt.adminDown.has(kname);
      },
      enqueue: (fn) => this.enqueue(fn),
      resync: (n) => this.tables.resync(n),
      emit: (e) => this.emit(e),
      now: () => this.now(),
    });
    this.sshs = new NetnsSsh({
      stateDir: this.state.dir,
      track: (c) => this.track(c),
      log: (m) => this.log(m),
      netnsOf: (node) => this.rt(node).plan.netns,
      nodeOfNetns: (ns) => this.plan.nodes.find((n) => n.netns === ns)?.name,
      resolve: (host) => {
        const a = parseIpv4(host) ?? this.hosts.resolve(host);
        return a === undefined ? undefined : formatIpv4(a);
      },
    });
    this.commands = netnsCommandRegistry((node, argv, io, o) => this.spawnOn(node, argv, io, o), {
      kernelNames: (node) => this.rt(node).plan.ifaces.map((i) => i.kname),
      xinetd: (node, verb) => this.rt(node).linux.xinetd(verb),
      tosOf: (user) => this.tosOf(user),
    });
  }

  // ---- boot ----------------------------------------------------------------------------------

  /** Creates everything; on failure removes what was made and rethrows. */
  async boot(): Promise<void> {
    process.once("exit", this.exitHook);
    try {
      await bootLab({
        plan: this.plan,
        topology: this.topology,
        state: this.state,
        files: [...this.nodesRt.values()].map((rt) => rt.files),
        shaping: this.shaping,
        links: this.links_,
        tables: this.tables,
        daemons: this.daemons,
        sshs: this.sshs,
        clock: this.clock_,
        timings: this.timings,
        ...(this.captureOn ? { startCaptures: () => this.startCaptures() } : {}),
        setNetem: (ok) => {
          this.netem = ok;
        },
        track: (c) => this.track(c),
        log: (s) => this.log(s),
      });
    } catch (e) {
      await this.close();
      throw e;
    }
  }

  private track(p: ChildProcess): void {
    this.children.add(p);
    p.on("exit", () => this.children.delete(p));
  }

  private async startCaptures(): Promise<void> {
    const c = new LinkCaptures({
      plan: this.plan,
      timeOf: (sec, nsec) => this.epochToLab(sec, nsec),
      userOfTos: (tos) => this.userOfTos(tos),
      aliasOf: (node, addr) =>
        this.nodesRt
          .get(node)
          ?.linux.aliases()
          .some((a) => a.addr === addr) ?? false,
      delayOf: (id) => (this.netem ? this.links_.state(id).delay : 0),
      emit: (e) => this.emit(e),
      wire: (link, t, frame, packet) => {
        for (const l of this.wireListeners) l(link, t, frame, packet);
      },
    });
    const started = c.start();
    // Known before they listen, so that a failed boot's close() stops them too.
    for (const p of c.children) this.track(p);
    await started;
  }

  /** A link's frames from the kernel (a tcpdump on its first end's veth): Lab.tapLink. */
  tapLink(link: string, listener: (t: Nanos, bytes: Uint8Array, origLen: number) => void): () => void {
    for (const n of this.plan.nodes)
      for (const i of n.ifaces)
        if (i.link.id === link && i.link.a.node === n.name && i.link.a.iface === i.name) {
          const p = tapKernelLink(n.netns, i.kname, (sec, nsec, frame, orig) =>
            listener(this.epochToLab(sec, nsec), frame, orig),
          );
          this.track(p);
          return () => p.kill("SIGTERM");
        }
    throw new LabError(`no such link: ${link}`, { field: "link" }, "not-found");
  }

  private ns(node: string): string {
    return this.plan.byName.get(node)!.netns;
  }

  // ---- routes --------------------------------------------------------------------------------

  /** Reads the node's whole kernel table again and emits what changed. */
  resync(node: string): Promise<void> {
    return this.tables.resync(node);
  }

  /** Reads zebra's metrics now and rewrites the table with them. */
  updateMetrics(node: string): Promise<void> {
    return this.tables.updateMetrics(node);
  }

  /** zebra's RIP metrics of a node (prefix → metric); empty for a static node or a stopped zebra. */
  zebraMetrics(node: string): Promise<Map<string, number>> {
    return this.tables.zebraMetrics(node);
  }

  /** Waits for queued changes and reads every node's RIP metrics (the cross-check calls this). */
  async refreshAll(): Promise<void> {
    await this.settle();
    await pool(this.plan.nodes, 4, (n) => this.tables.resync(n.name));
    await pool(this.plan.nodes, 4, (n) => this.tables.updateMetrics(n.name));
  }

  private rt(node: string): NodeRuntime {
    const rt = this.nodesRt.get(node);
    if (!rt) throw new LabError(`unknown node '${node}'`, { field: "node" }, "not-found");
    return rt;
  }

  /** The node's interfaces with the kernel's counters and carrier (counters.ts). */
  private shellInterfaces(node: string): ShellInterface[] {
    const rt = this.rt(node);
    return readInterfaces(rt.plan, {
      pid: this.tables.monitorPid(node),
      adminDown: rt.adminDown,
      nodeUp: rt.up,
      linkUp: (kname) => this.links_.state(rt.plan.ifaces.find((i) => i.kname === kname)!.link.id).up,
    });
  }

  // ---- Lab: reading --------------------------------------------------------------------------

  nodes(): NodeInfo[] {
    return this.topology.nodes.map((t) =>
      nodeInfo(t, this.nodesRt.get(t.name)!, (link) => this.links_.state(link).up),
    );
  }

  links(): LinkInfo[] {
    return this.links_.info();
  }

  routes(node: string): RouteInfo[] {
    const rt = this.rt(node);
    return this.tables.routes(node).map((r) => routeInfo(r, rt));
  }

  // ---- Lab: commands -------------------------------------------------------------------------

  /** The DSCP mark (as a TOS byte) of a user's probes (user-marks.ts). */
  tosOf(user: string): number {
    return this.marks.tosOf(user);
  }

  /** Who a TOS byte belongs to (for events). */
  userOfTos(tos: number): string {
    return this.marks.userOfTos(tos);
  }

  private spawnOn(
    node: string,
    argv: readonly string[],
    io: { out(s: string): void; err(s: string): void },
    opts: { stdin?: boolean } = {},
  ) {
    return spawnInNamespace(this.ns(node), argv, io, (c) => this.track(c), opts);
  }

  /** Runs a line through the shell (as the simulator does), answered by this node's kernel and FRR. */
  exec(node: string, line: string, opts: ExecOptions = {}): Execution {
    const rt = this.rt(node);
    const user = opts.user ?? "root";
    const write = opts.write ?? (() => {});
    const host = new NamespaceHost({
      name: node,
      netns: rt.plan.netns,
      interfaces: () => this.shellInterfaces(node),
      routes: () => this.tables.routes(node),
      ip: (args) => runOk("ip", ["-n", rt.plan.netns, ...args]),
      track: (c) => this.track(c),
      log: (s) => this.log(s),
    });
    let prog: Program | undefined;
    const ctx = netnsShellContext(
      {
        plan: rt.plan,
        hosts: this.hosts,
        pids: rt.pids,
        host,
        routes: () => this.tables.routes(node),
        interfaces: () => this.shellInterfaces(node),
        neighbours: () => readNeighbours(rt.plan, this.tables.monitorPid(node)),
        spawn: (argv, io) => this.spawnOn(node, argv, io),
        ip: (args) => run("ip", ["-n", rt.plan.netns, ...args]),
        exec: (argv) => run("ip", ["netns", "exec", rt.plan.netns, ...argv]),
        reread: () => this.tables.resync(node),
        setAdmin: (index, up) => this.setAdmin(node, index, up),
        vtyDir: () => this.daemons.vtyDir(node),
        os: this.topology.nodes.find((t) => t.name === node)?.os ?? "freebsd",
        files: rt.files,
        aliases: () => rt.linux.aliases(),
        addAlias: (a) => rt.linux.addAlias(a),
        removeAlias: (m) => rt.linux.removeAlias(m),
      },
      {
        user,
        privileged: opts.privileged ?? false,
        tos: this.tosOf(user),
        // A program killed by a crash says nothing more, whatever it had pending.
        write: (s) => {
          if (prog === undefined || prog.exitCode === undefined) write(s);
        },
      },
    );
    this.emit({ kind: "command", t: this.now(), node, user, command: line });
    // A command sees every change asked before it (a crash, a link down), as on the simulator:
    // it starts once netns's queue of kernel changes has run (the queue never rejects). A change
    // asked after it is queued behind the same promise, so it still comes after the start.
    let interrupted = false;
    const done = new Promise<number>((resolve) => {
      const finish = (code: number) => {
        host.close();
        this.emit({ kind: "command", t: this.now(), node, user, command: line, exit: code });
        resolve(code);
      };
      void this.queue.then(() => {
        // Ctrl-C before it started: sh's status for SIGINT, nothing run.
        if (interrupted) return finish(130);
        const p = runCommand(ctx, line, this.commands);
        prog = p;
        rt.commands.add(p);
        p.onExit((code) => {
          rt.commands.delete(p);
          finish(code);
        });
      });
    });
    return {
      done,
      get exitCode() {
        return prog?.exitCode;
      },
      interrupt: () => {
        if (prog) prog.interrupt();
        else interrupted = true;
      },
      input: (text) => prog?.input?.(text),
      endInput: () => prog?.endInput?.(),
    };
  }

  /** `ifconfig IF up|down`: the kernel's link state, kept down through link flaps until `up`. */
  private async setAdmin(node: string, index: number, up: boolean): Promise<void> {
    const rt = this.rt(node);
    const i = rt.plan.ifaces[index - 1];
    if (!i) throw new LabError(`no interface ${index} on ${node}`, { field: "iface" }, "not-found");
    if (up) rt.adminDown.delete(i.kname);
    else rt.adminDown.add(i.kname);
    await this.settle();
    const linkUp = this.links_.state(i.link.id).up;
    await runOk("ip", ["-n", rt.plan.netns, "link", "set", i.kname, up && rt.up && linkUp ? "up" : "down"]);
    await this.tables.resync(node);
  }

  // ---- Lab: changes --------------------------------------------------------------------------

  /** Runs kernel changes one after another; errors surface at the next advance/close. */
  private enqueue(fn: () => Promise<void>): void {
    this.queue = this.queue.then(fn).catch((e) => {
      this.queueError ??= e;
    });
  }

  /** Waits for queued kernel changes; rethrows the first that failed. */
  async settle(): Promise<void> {
    await this.queue;
    if (this.queueError) {
      const e = this.queueError;
      this.queueError = null;
      throw e;
    }
  }

  findLink(a: string, b: string) {
    return this.links_.find(a, b);
  }

  setLink(a: string, b: string, up: boolean, opts: { silent?: boolean } = {}): void {
    this.links_.set(a, b, up, opts);
  }

  setLinkShape(a: string, b: string, shape: LinkShape): void {
    this.links_.setShape(a, b, shape);
  }

  ssh(from: string, host: string, opts: { user?: string; lost?: (message: string) => void } = {}): ShellHop {
    if (!this.rt(from).up) return { landed: Promise.resolve({ error: `ssh: ${from} is down` }), close() {} };
    return this.sshs.connect(from, host, opts.lost, this.tosOf(opts.user ?? "root"));
  }

  setNode(node: string, up: boolean): void {
    const rt = this.rt(node);
    if (rt.up === up) return;
    rt.up = up;
    // A crash kills every process on the router: the commands people run there end at once.
    if (!up) for (const c of [...rt.commands]) c.kill();
    // A reboot brings every interface up again, as the simulator's does.
    if (up) rt.adminDown.clear();
    this.enqueue(async () => {
      const n = rt.plan;
      if (!up) {
        // The wire first: a crashed box stops answering at once, before its daemons are reaped.
        await ipBatch(
          n.ifaces.map((i) => `link set ${i.kname} down`),
          n.netns,
        );
        await this.daemons.stop(node);
        this.sshs.stop(node);
        await run("ip", ["-n", n.netns, "route", "flush", "proto", "rip"]);
        await run("ip", ["-n", n.netns, "route", "flush", "proto", "static"]);
      } else {
        const lines = n.ifaces
          .filter((i) => this.links_.state(i.link.id).up)
          .map((i) => `link set ${i.kname} up`);
        if (lines.length) await ipBatch(lines, n.netns);
        await this.daemons.start(n);
        await this.sshs.start(node);
        await installStatics(this.topology, n);
      }
      await this.tables.resync(node);
      for (const i of n.ifaces) {
        const far = i.link.a.node === node ? i.link.b.node : i.link.a.node;
        if (this.plan.byName.has(far)) await this.tables.resync(far); // not a segment's bridge
      }
    });
    this.emit({ kind: "node", t: this.now(), node, state: up ? "up" : "down" });
  }

  // ---- Lab: events and time ------------------------------------------------------------------

  onEvent(listener: (e: LabEvent) => void, kinds?: readonly LabEventKind[]): () => void {
    const l = ofKinds(listener, kinds);
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  emit(e: LabEvent): void {
    // A host acts on a redirect in its kernel, where no monitor sees it: read its exceptions.
    if (e.kind === "deliver" && e.cls === "icmp-error" && e.summary.startsWith("ICMP redirect"))
      this.tables.redirected(e.node, e.summary.split(" ")[2] ?? "");
    for (const l of this.listeners) l(e);
  }

  /**
   * The IPv4 frames the event captures see, with their events' packet ids (the packet view's
   * bytes): the first 256 bytes of each (the captures' snap length), no ARP (they take IPv4).
   */
  onWire(listener: WireListener): () => void {
    this.wireListeners.add(listener);
    return () => this.wireListeners.delete(listener);
  }

  /** Nanoseconds since boot. */
  now(): Nanos {
    return this.clock_.now();
  }

  /** Lab time of a capture timestamp (epoch seconds and nanoseconds). */
  epochToLab(sec: number, nsec: number): Nanos {
    return this.clock_.epochToLab(sec, nsec);
  }

  clock(): ClockState {
    return this.clock_.state();
  }

  advance(ns: Nanos): Promise<void> {
    return this.clock_.advance(ns);
  }

  advanceUntil(cond: () => boolean, max: Nanos): Promise<boolean> {
    return this.clock_.advanceUntil(cond, max);
  }

  // ---- clean-up ------------------------------------------------------------------------------

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    process.removeListener("exit", this.exitHook);
    // Never rejects: enqueue keeps a kernel change's error in queueError, which a closing lab drops.
    await this.queue;
    this.tables.close();
    for (const c of this.children) c.kill("SIGTERM");
    this.daemons.closeLauncher();
    // With the pid files: a daemon still starting when the lab closes is not in state.pids yet.
    await killRecorded([...this.state.state.pids, ...daemonPidFiles(this.state.dir)]);
    await removeNamespaces(this.state.state.namespaces);
    rmSync(this.state.dir, { recursive: true, force: true });
    this.listeners.clear();
  }

  /** The namespaces this lab creates (for removing a crashed run's leftovers of the same names). */
  namespaceNames(): string[] {
    return this.plan.nodes.map((n) => n.netns);
  }

  /** Last resort on process exit (an uncaught error): synchronous, by recorded pid, then our namespaces. */
  private closeSync(): void {
    if (this.closed) return;
    this.closed = true;
    for (const c of this.children) c.kill("SIGKILL");
    this.daemons.closeLauncher();
    removeSync(this.state);
  }
}
