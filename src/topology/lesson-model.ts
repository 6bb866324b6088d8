/**
 * @module topology/lesson-model
 * What a lesson adds to a topology (issue 9): a fault schedule (`events:`, what breaks and when,
 * on the virtual clock) and an exercise (`checks:`, what must hold for the student's work to be
 * right). Plain data read from the file with the position of every item, so a report or the
 * page can point back at the line that stated it. Playing the schedule and evaluating checks
 * is lab/'s business (lab/lesson-schedule.ts, lab/checks.ts).
 */
import type { SourcePos } from "../core/errors.js";
import type { Nanos } from "../core/time.js";

/**
 * One scheduled change: a link or node going down or up, a link's delay and/or loss changing
 * (`shape`), or a command run on a node.
 */
export type LessonEvent =
  | { at: Nanos; kind: "link"; a: string; b: string; up: boolean; silent: boolean; pos: SourcePos }
  | { at: Nanos; kind: "shape"; a: string; b: string; delay?: Nanos; loss?: number; pos: SourcePos }
  | { at: Nanos; kind: "node"; node: string; up: boolean; pos: SourcePos }
  | { at: Nanos; kind: "run"; node: string; user: string; command: string; pos: SourcePos };

/** `vm4 reaches vm9` (or, negated, `vm4 cannot reach vm9`): probed with ping. */
export interface ReachCheck {
  kind: "reach";
  from: string;
  /** A node name or a dotted IPv4 address. */
  to: string;
  negate: boolean;
}

/** `vm1 → vm6 via vm3` (in order, several allowed) or `vm1 -> vm6 not via vm2`: probed too. */
export interface PathCheck {
  kind: "path";
  from: string;
  to: string;
  via: string[];
  avoid: string[];
}

/** `vm1 has 10.0.60.0/24 [metric 3] [via vm2|10.0.10.2]`, or `vm1 has no route to P`. */
export interface RouteCheck {
  kind: "route";
  node: string;
  /** Canonical prefix text, `10.0.60.0/24` (`0.0.0.0/0` for `default`). */
  dest: string;
  metric?: number;
  /** A node name or a dotted address. */
  gateway?: string;
  absent: boolean;
}

/** `no packet lost after 2m`, `at most 3 packets lost by alice between 30s and 1m`. */
export interface LostCheck {
  kind: "lost";
  op: "at-most" | "at-least" | "exactly";
  count: number;
  user?: string;
  after?: Nanos;
  before?: Nanos;
}

/** `alice ran traceroute vm6 [on vm1] [after 3m]`, `anyone ran ping vm9`, `every student ran …`. */
export interface RanCheck {
  kind: "ran";
  /** A user name, or undefined for `anyone` / `every student`. */
  user?: string;
  /** `every student ran …`: judged once per student (each user but root who ran a command). */
  each?: boolean;
  /** The program and the arguments that must appear (in order) among the command's words. */
  words: string[];
  node?: string;
  /** Only commands started at or after this moment count. */
  after?: Nanos;
}

/**
 * `client connects to 192.168.10.200 port 22 [on server]` (or `cannot connect`): probed with a
 * TCP connection; `on NODE` asks that the connection (or the one a relay made for it) lands there.
 */
export interface ConnectCheck {
  kind: "connect";
  from: string;
  /** A node name or a dotted IPv4 address. */
  to: string;
  port: number;
  /** The node that must accept it. */
  on?: string;
  negate: boolean;
}

/**
 * `client ssh 192.168.10.200 lands on server`: probed with the in-lab ssh (a TCP connection to
 * port 22, Lab.ssh) — the node whose sshd answered must be `on`.
 */
export interface SshCheck {
  kind: "ssh";
  from: string;
  /** A node name or a dotted IPv4 address. */
  to: string;
  on: string;
}

/**
 * `capture shows client connecting to 192.168.10.200 port 22`: during the run, `from` opened a
 * TCP connection to that address (a node's name: any of its addresses) and port — its SYN went
 * on the wire and the handshake completed. Judged from the run's record, not probed.
 */
export interface CapturedCheck {
  kind: "captured";
  from: string;
  to: string;
  port: number;
}

export type CheckBody =
  | ReachCheck
  | PathCheck
  | RouteCheck
  | LostCheck
  | RanCheck
  | ConnectCheck
  | SshCheck
  | CapturedCheck;

/** One check as written: the sentence, when to evaluate it, and where it was written. */
export type CheckSpec = CheckBody & {
  /** Stable id within the lesson (`c1`, `c2`, … in file order), for the page and reports. */
  id: string;
  /** The sentence as written, shown in reports. */
  text: string;
  /** Evaluate at this virtual time rather than at the end (or now, live). */
  at?: Nanos;
  /** Shown to a student when the check fails. */
  hint?: string;
  pos: SourcePos;
};

export interface Lesson {
  events: LessonEvent[];
  checks: CheckSpec[];
  /**
   * Root's commands a student may run with root's rights in this lesson (`allow: [iptables,
   * ifconfig]`): the relay lesson's post is typed as root. Only GRANTABLE_COMMANDS.
   */
  allow?: string[];
}

/**
 * Commands a lesson may grant: those that change a node's own interfaces, routes, nat rules or
 * xinetd (each refuses a user who is not root). Never the lab's controls (link, node, clock).
 */
export const GRANTABLE_COMMANDS = [
  "ifconfig",
  "ip",
  "route",
  "arp",
  "iptables",
  "xinetd",
  "/etc/init.d/xinetd",
  "service",
] as const;
