/**
 * @module engines/netns/links
 * The lab's links on the kernel: a link taken down sets both veth ends down (both lose carrier),
 * a silent cut drops everything with a qdisc and keeps carrier, delay and loss are netem's
 * (boot.ts Shaping). Changes are queued behind the lab's other kernel changes and the tables of
 * both ends re-read before anyone waits on "converged".
 */
import { LabError } from "../../core/errors.js";
import type { LabEvent } from "../../core/events.js";
import { formatIpv4, formatPrefix } from "../../core/ip.js";
import type { Nanos } from "../../core/time.js";
import type { LinkInfo, LinkShape } from "../../lab/lab.js";
import { checkShape, shapeEvent } from "../../lab/link-shape.js";
import type { Topology, TopoLink } from "../../topology/model.js";
import type { Shaping } from "./boot.js";
import type { LabPlan, PlannedNode } from "./plan.js";
import { runOk } from "./sys.js";

export interface LinkState {
  up: boolean;
  silent: boolean;
  /** Emulated with netem (the topology's, or set by setShape). */
  delay: Nanos;
  loss: number;
}

export interface LinksDeps {
  topology: Topology;
  plan: LabPlan;
  shaping: Shaping;
  /** Whether the kernel has sch_netem (known once the lab booted). */
  netem(): boolean;
  /** Throws the lab's LabError for an unknown node. */
  checkNode(node: string): void;
  /** Whether a link end may be raised: its router runs and nobody took it down (`ifconfig down`). */
  mayRaise(node: string, kname: string): boolean;
  enqueue(fn: () => Promise<void>): void;
  resync(node: string): Promise<void>;
  emit(e: LabEvent): void;
  now(): Nanos;
}

export class Links {
  private readonly states = new Map<string, LinkState>();

  constructor(private readonly d: LinksDeps) {
    for (const l of d.plan.links)
      this.states.set(l.id, { up: true, silent: false, delay: l.delay, loss: l.loss });
  }

  state(id: string): LinkState {
    return this.states.get(id)!;
  }

  find(a: string, b: string): TopoLink {
    // A segment's name stands for its bridge: `link down r1 lan1` is r1's port.
    const segment = (n: string) => this.d.plan.bridges.some((x) => x.name === n);
    if (!segment(a)) this.d.checkNode(a);
    if (!segment(b)) this.d.checkNode(b);
    const l = this.d.plan.links.find(
      (x) => (x.a.node === a && x.b.node === b) || (x.a.node === b && x.b.node === a),
    );
    if (!l) throw new LabError(`no link between ${a} and ${b}`, { field: "link" }, "not-found");
    return l;
  }

  info(): LinkInfo[] {
    const netem = this.d.netem();
    return this.d.plan.links.map((l) => {
      const s = this.state(l.id);
      return {
        id: l.id,
        a: { node: l.a.node, iface: l.a.iface, addr: formatIpv4(l.a.addr) },
        b: { node: l.b.node, iface: l.b.iface, addr: formatIpv4(l.b.addr) },
        subnet: formatPrefix({ addr: l.subnet, len: l.len }),
        up: s.up,
        silent: s.silent,
        delay: netem ? s.delay : 0,
        bandwidth: l.bandwidth,
        loss: netem ? s.loss : 0,
      };
    });
  }

  /** The qdisc of one end: the link's delay and loss, or drop everything (`silent`). */
  shapeEnd(n: { netns: string }, kname: string, linkId: string, silent: boolean): Promise<void> {
    return this.d.shaping.apply(n.netns, kname, this.state(linkId), silent);
  }

  /** Both ends: a node's interface, or a bridge's port (`node` null, its namespace the bridge's). */
  private ends(l: TopoLink): { node: PlannedNode | null; netns: string; kname: string }[] {
    return [l.a, l.b].map((e) => {
      const node = this.d.plan.byName.get(e.node);
      if (node) return { node, netns: node.netns, kname: node.ifaces.find((x) => x.name === e.iface)!.kname };
      const bridge = this.d.plan.bridges.find((x) => x.name === e.node)!;
      return { node: null, netns: bridge.netns, kname: e.iface };
    });
  }

  set(a: string, b: string, up: boolean, opts: { silent?: boolean } = {}): void {
    const l = this.find(a, b);
    const s = this.state(l.id);
    const silent = !up && (opts.silent ?? false);
    const ends = this.ends(l);
    const wasSilent = s.silent;
    if (up) {
      s.up = true;
      s.silent = false;
    } else if (silent) s.silent = true;
    else s.up = false;
    this.d.enqueue(async () => {
      for (const e of ends) {
        if (silent) await this.shapeEnd(e, e.kname, l.id, true);
        else {
          if (up && wasSilent) await this.shapeEnd(e, e.kname, l.id, false);
          // A router that is down keeps its interfaces down, and so does `ifconfig IF down`.
          const raise = up && (e.node === null || this.d.mayRaise(e.node.name, e.kname));
          await runOk("ip", ["-n", e.netns, "link", "set", e.kname, raise ? "up" : "down"]);
        }
      }
      // The tables as the kernel has them now, before anyone waits on "converged".
      for (const e of ends) if (e.node) await this.d.resync(e.node.name);
    });
    const state = up ? "up" : "down";
    this.d.emit({ kind: "link", t: this.d.now(), link: l.id, a: l.a.node, b: l.b.node, state, silent });
  }

  /**
   * Delay and loss through netem on both ends (as at boot). A kernel without sch_netem cannot
   * emulate them: refused, rather than pretending.
   */
  setShape(a: string, b: string, shape: LinkShape): void {
    const l = this.find(a, b);
    checkShape(shape);
    if (!this.d.netem())
      throw new LabError(
        "this kernel has no sch_netem (tc qdisc netem): the netns engine cannot change a link's delay or loss",
        { field: shape.delay !== undefined ? "delay" : "loss" },
        "unsupported",
      );
    const s = this.state(l.id);
    if (shape.delay !== undefined) s.delay = shape.delay;
    if (shape.loss !== undefined) s.loss = shape.loss;
    const ends = this.ends(l);
    this.d.enqueue(async () => {
      // A silent cut keeps its drop-everything qdisc; the new values apply when it heals.
      if (s.silent) return;
      for (const e of ends) await this.shapeEnd(e, e.kname, l.id, false);
    });
    const info = { id: l.id, a: l.a.node, b: l.b.node, up: s.up, silent: s.silent };
    this.d.emit(shapeEvent(this.d.now(), info, shape));
  }
}
