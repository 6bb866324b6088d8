/**
 * @module lab/lab
 * The engine-neutral Lab interface. The sim engine and the netns engine both implement it;
 * the server, the scenario runner and the CLI talk only to this.
 */
import type { LabEvent, LabEventKind } from "../core/events.js";
import type { Nanos } from "../core/time.js";
import type { ShellHop } from "../shell/session.js";
import type { PacerWork } from "../sim/pacer.js";
import type { NodeKind, Topology } from "../topology/model.js";

export interface RouteInfo {
  /** `10.0.30.0/24`, `10.0.10.1/32`, `0.0.0.0/0`. */
  dest: string;
  /** Next-hop address, or `link#N` for connected routes. */
  gateway: string;
  /**
   * Every next hop's address, when the route has several (OSPF's equal-cost paths); `gateway`
   * is then the one netstat shows (FreeBSD 8 keeps one route a prefix).
   */
  nextHops?: string[];
  /** FreeBSD flags, e.g. `UG`, `U`, `UHS`. */
  flags: string;
  iface: string;
  metric: number;
  /** connected | local | static | kernel | a routing protocol's name */
  source: string;
  refs: number;
  use: number;
}

/**
 * A router's OSPF state for the page: its database as `show ip ospf database` prints it, and its
 * shortest-path tree over the map (RFC 2328 §16.1). The simulator's; FRR's ospfd keeps its tree
 * to itself (no vtysh command prints it), so the netns engine has none.
 */
export interface OspfView {
  node: string;
  routerId: string;
  /** `show ip ospf database`, FRR 8.4's text. */
  database: string;
  lsas: { type: "router" | "network"; id: string; advRouter: string; age: number; seq: string }[];
  /**
   * One edge per tree vertex and equal-cost parent: a router by node name, a network by prefix;
   * `links`: the map's links (or segment ports) the edge runs over.
   */
  tree: { parent: string; child: string; dist: number; links: string[] }[];
}

export interface InterfaceInfo {
  name: string;
  addr: string;
  len: number;
  up: boolean;
  /** Link id this interface sits on (absent for lo0). */
  link?: string;
}

export interface NodeInfo {
  name: string;
  /** A router forwards and runs its routing; a host (`kind: host`) is an end system. */
  kind: NodeKind;
  up: boolean;
  routing: string;
  interfaces: InterfaceInfo[];
  position?: { x: number; y: number };
}

export interface LinkInfo {
  id: string;
  a: { node: string; iface: string; addr: string };
  b: { node: string; iface: string; addr: string };
  subnet: string;
  up: boolean;
  silent: boolean;
  delay: Nanos;
  bandwidth: number;
  loss: number;
}

/** A change of a link's delay and loss (both directions); an absent field stays as it is. */
export interface LinkShape {
  /** One-way propagation delay. */
  delay?: Nanos;
  /** Probability that a packet is lost on the wire, 0…1. */
  loss?: number;
}

export interface ExecOptions {
  /** Who runs it (default `root`). Packets it sends carry this user. */
  user?: string;
  /** Root's powers on the node for a user other than root (the server sets it for instructors). */
  privileged?: boolean;
  /** Receives output as it is produced. */
  write?: (chunk: string) => void;
}

/** A command running on a node. */
export interface Execution {
  /** Resolves with the exit status once the command has finished. */
  readonly done: Promise<number>;
  /** The exit status as soon as the command has finished (synchronously), else undefined. */
  readonly exitCode: number | undefined;
  /** Ctrl-C: stop it (ping then prints its statistics, as the real one does). */
  interrupt(): void;
  /** Text typed to its standard input (a terminal's line, `nc`'s to send); ignored by programs that read none. */
  input?(text: string): void;
  /** Ctrl-D at the start of a line: the end of its standard input (nc then shuts down its write side). */
  endInput?(): void;
}

export interface ClockState {
  now: Nanos;
  speed: number;
  paused: boolean;
  /**
   * Paced labs: the speed the clock really kept over the last seconds (virtual seconds per wall
   * second), when it is measured; below `speed` when the CPU cannot keep up.
   */
  actualSpeed?: number;
  /** Paced labs: the simulation could not keep the asked speed lately (the clock slowed). */
  behind?: boolean;
}

/** Real-time pacing of a lab's clock (labs started by `routelab up`). */
export interface PacerControl {
  readonly speed: number;
  readonly paused: boolean;
  setSpeed(x: number): void;
  pause(): void;
  resume(): void;
  /** While paused: advance by `ns` at once. */
  step(ns: Nanos): void;
  /**
   * While paused: run toward the virtual time `until` for one bounded slice of work (~15 ms);
   * true once there. A long step calls it again after giving the event loop a turn.
   */
  stepToward(until: Nanos): boolean;
  /** The speed really kept lately (undefined while paused or not yet measured). */
  readonly actualSpeed: number | undefined;
  /** Whether the simulation fell behind the asked speed lately. */
  readonly behind: boolean;
  /** Called after each batch of events ran. */
  onTick: (() => void) | null;
  /** Wall time spent running the simulation so far (the server's loop watch reads it). */
  readonly work?: PacerWork;
}

/**
 * Receives each Ethernet frame put on a link: the link's id, the time it leaves, its bytes
 * (valid during the call only: copy to keep), and the id of the packet it carries (the `packet`
 * of its hop event), so one hop's bytes can be found again (the page's packet view).
 */
export type WireListener = (link: string, t: Nanos, bytes: Uint8Array, packet: number) => void;

/** What `Lab.followTimeline` calls. */
export interface TimelineFollower {
  /** The lab is being rebuilt for a rewind: forget everything (the replay follows). */
  restart(): void;
  event(e: LabEvent): void;
}

export interface Lab {
  readonly engine: string;
  readonly topology: Topology;
  nodes(): NodeInfo[];
  links(): LinkInfo[];
  /** Routing table of a node; throws LabError for an unknown node. */
  routes(node: string): RouteInfo[];
  /** The node's OSPF database and SPF tree, on engines that hold them; undefined when it runs no OSPF. */
  ospf?(node: string): OspfView | undefined;
  exec(node: string, commandLine: string, opts?: ExecOptions): Execution;
  /**
   * `ssh HOST` typed on `from` (a terminal's hop): a TCP connection to port 22 of HOST over the
   * lab's network, answered by the sshd every node runs; `landed` names the node whose sshd
   * answered (behind a REDIRECT and a relay, not the address typed), or gives ssh's message.
   * `lost` is called if the connection ends by itself later. Absent on engines without it.
   */
  ssh?(from: string, host: string, opts?: { user?: string; lost?: (message: string) => void }): ShellHop;
  setLink(a: string, b: string, up: boolean, opts?: { silent?: boolean }): void;
  /**
   * Changes the delay and/or loss of the link between `a` and `b` from now on (packets already
   * on the wire keep theirs). Throws LabError naming the field for a bad value, and
   * (`unsupported`) on an engine that cannot emulate them.
   */
  setLinkShape(a: string, b: string, shape: LinkShape): void;
  setNode(node: string, up: boolean): void;
  /**
   * Subscribes to the event stream; returns the unsubscribe function. With `kinds`, the
   * listener gets only events of those kinds, and the simulator builds no packet event (hop,
   * deliver, drop: an object and a frame summary each) while no listener wants one.
   */
  onEvent(listener: (e: LabEvent) => void, kinds?: readonly LabEventKind[]): () => void;
  /**
   * Present on engines that hold every packet's bytes (the simulator): `listener` receives each
   * Ethernet frame put on a link (by link id), at its departure time — what a pcap capture
   * (LINKTYPE_ETHERNET) writes — with the id of the packet it carries.
   * Returns the unsubscribe function.
   */
  onWire?(listener: WireListener): () => void;
  /**
   * Present on engines whose frames come from elsewhere than `onWire` (netns: the kernel, through
   * a tcpdump on the link's interface): `listener` receives each frame seen on `link` with its
   * length on the wire. Throws LabError (`not-found`) for an unknown link. Returns the function
   * that stops it.
   */
  tapLink?(link: string, listener: (t: Nanos, bytes: Uint8Array, origLen: number) => void): () => void;
  /**
   * Present on labs that can be rewound: follows the timeline rather than the live stream
   * (`onEvent`). A rewind calls `restart`, then gives the follower every event of the replay up
   * to the moment rewound to, so what it counts is what the lab at that moment had done.
   */
  followTimeline?(follower: TimelineFollower): () => void;
  clock(): ClockState;
  /** Advance virtual time by `ns` (unpaced labs), running everything due. */
  advance(ns: Nanos): Promise<void>;
  /**
   * Advance until `cond()` holds (checked after every event) or `max` has passed; resolves
   * with whether it held. The scenario runner waits for commands with this.
   */
  advanceUntil(cond: () => boolean, max: Nanos): Promise<boolean>;
  close(): Promise<void>;
  /** Present when the lab runs paced in real time. */
  readonly pacer?: PacerControl;
}

/** `listener`, passed only the events of `kinds` (all of them without): for engines that filter as they emit. */
export function ofKinds(
  listener: (e: LabEvent) => void,
  kinds: readonly LabEventKind[] | undefined,
): (e: LabEvent) => void {
  if (kinds === undefined) return listener;
  const wanted = new Set<LabEventKind>(kinds);
  return (e) => {
    if (wanted.has(e.kind)) listener(e);
  };
}
