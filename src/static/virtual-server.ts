/**
 * @module static/virtual-server
 * The HTTP API of `routelab up`, answered in the browser: the browser edition (issue 9) runs
 * the simulator in a Web Worker and the page's fetch and WebSocket calls to `/api/…` are
 * carried to this object instead of a server, so the same page modules run unchanged.
 *
 * Same paths, bodies, answers and error shapes as server/http (docs/api.md), for what the page
 * uses: topology, session, routes, exec, links, nodes, clock, lesson, journal, rewind, stats;
 * and the two sockets: the event stream (through the server's own EventFanout, so batches,
 * thinning and the rewind marker are the same) and the terminal (the server's openTerminal:
 * the shell an SSH login gets). The person at the keyboard owns the lab, so they are its
 * instructor: every control works, and commands run as the name in the page's user box.
 *
 * Browser-safe: imports only browser-safe layers (no fastify, no node:).
 */
import { linkRequestShape } from "../lab/link-shape.js";
import { parseClockStep, stepClock } from "../lab/clock-step.js";
import type { LessonSession } from "../engines/sim/lesson.js";
import type { RewindableLab } from "../engines/sim/rewind.js";
import { HttpError, httpOrLabError, packetView, topologyView } from "../server/http/api-shapes.js";
import { PacketStore } from "../lab/packet-store.js";
import { EventFanout, type EventSocket } from "../server/http/event-fanout.js";
import { DEFAULT_EXEC_LIMITS, runCommand } from "../server/http/exec-runner.js";
import { MAX_SPEED, MIN_SPEED } from "../core/limits.js";
import { UserStats } from "../server/http/user-stats.js";
import { journalView, LessonStatusCache, rewindSession } from "../server/lesson-status.js";
import { UserLimits } from "../server/limits.js";
import { openTerminal, type Terminal } from "../server/terminal.js";

export interface ApiReply {
  status: number;
  body: unknown;
}

/** The browser side of a socket: what the worker sends to the page. */
export interface SocketPeer {
  send(data: string): void;
  close(code: number, reason: string): void;
}

export interface VirtualSocket {
  /** A message from the page. */
  message(data: string): void;
  /** The page closed it. */
  close(): void;
}

const USER_RE = /^[A-Za-z0-9_.-]{1,64}$/;

function toReply(e: unknown): ApiReply {
  return (
    httpOrLabError(e) ?? {
      status: 500,
      body: { error: `internal error: ${(e as Error)?.message ?? e}`, code: "internal" },
    }
  );
}

type Body = Record<string, unknown>;

function bodyOf(b: unknown): Body {
  if (b === null || typeof b !== "object" || Array.isArray(b))
    throw new HttpError(400, "body must be a JSON object");
  return b as Body;
}

/**
 * Refuses a body without its required fields, then one with fields the server's schema does
 * not know (a typo must not silently do nothing) — in that order, as the server's validator.
 */
function only(b: Body, fields: string[], required: string[] = []): void {
  for (const k of required)
    if (b[k] === undefined) throw new HttpError(400, `body must have required property '${k}'`, k);
  for (const k of Object.keys(b))
    if (!fields.includes(k)) throw new HttpError(400, `unknown field '${k}'`, k);
}

function str(b: Body, k: string, required: boolean): string | undefined {
  const v = b[k];
  if (v === undefined) {
    if (required) throw new HttpError(400, `body must have required property '${k}'`, k);
    return undefined;
  }
  if (typeof v !== "string" || v.length === 0) throw new HttpError(400, `${k} must be a non-empty string`, k);
  return v;
}

function state(b: Body): boolean {
  const s = str(b, "state", true);
  if (s !== "up" && s !== "down")
    throw new HttpError(400, "state must be equal to one of the allowed values", "state");
  return s === "up";
}

export interface VirtualServerOptions {
  /** Who the page's person is (default `root`), for the terminal. */
  user?: string;
  /** Event batch period, ms (the server's 50). */
  intervalMs?: number;
}

export class VirtualServer {
  readonly fanout: EventFanout;
  readonly stats: UserStats;
  private readonly cache: LessonStatusCache;
  private readonly limits = new UserLimits();
  private readonly offRewind: () => void;
  private readonly terminals = new Set<Terminal>();
  /** The latest frames, for the packet view (as the server keeps them). */
  private readonly packets: PacketStore;

  constructor(
    readonly lab: RewindableLab,
    readonly session: LessonSession,
    private readonly o: VirtualServerOptions = {},
  ) {
    this.fanout = new EventFanout(lab, { intervalMs: o.intervalMs ?? 50 });
    this.fanout.start();
    this.stats = new UserStats().attach(lab);
    this.cache = new LessonStatusCache(session);
    this.packets = new PacketStore(lab);
    this.offRewind = lab.onRewind((t) => {
      this.packets.clear();
      this.fanout.rewound(t);
    });
  }

  /** Answers one API request, as the server would. */
  async request(method: string, url: string, body?: unknown): Promise<ApiReply> {
    try {
      return { status: 200, body: await this.route(method.toUpperCase(), url, body) };
    } catch (e) {
      return toReply(e);
    }
  }

  private async route(method: string, url: string, raw: unknown): Promise<unknown> {
    const path = url.split("?")[0]!;
    const lab = this.lab;
    const get = method === "GET";
    const post = method === "POST";
    if (get && path === "/api/topology") return topologyView(lab);
    if (get && path === "/api/session")
      return {
        user: this.o.user ?? null,
        role: "instructor",
        control: true,
        color: null,
        logins: false,
        lesson: true,
      };
    const packet = /^\/api\/packets\/([0-9]{1,15})$/.exec(path);
    if (get && packet) return packetView(this.packets, Number(packet[1]), lab.engine);
    // A router's OSPF database and SPF tree (the page's OSPF panel), as server/http/api-read.ts.
    const ospf = /^\/api\/nodes\/([^/]+)\/ospf$/.exec(path);
    if (get && ospf) {
      const name = decodeURIComponent(ospf[1]!);
      const view = lab.ospf(name);
      if (view === undefined) throw new HttpError(404, `${name} runs no OSPF`, "node", "not-found");
      return view;
    }
    const node = /^\/api\/nodes\/([^/]+)(\/routes)?$/.exec(path);
    if (node) {
      const name = decodeURIComponent(node[1]!);
      if (get && node[2]) return { node: name, routes: lab.routes(name) };
      if (post && !node[2]) {
        const b = bodyOf(raw);
        only(b, ["state"], ["state"]);
        lab.setNode(name, state(b));
        return { node: lab.nodes().find((n) => n.name === name) ?? null };
      }
    }
    if (post && path === "/api/exec") {
      const b = bodyOf(raw);
      only(b, ["node", "command", "user"], ["node", "command"]);
      const n = str(b, "node", true)!;
      const command = str(b, "command", true)!;
      const user = str(b, "user", false);
      if (user !== undefined && !USER_RE.test(user))
        throw new HttpError(400, 'user must match pattern "^[A-Za-z0-9_.-]+$"', "user");
      if (command.length > 4096)
        throw new HttpError(400, "command must NOT have more than 4096 characters", "command");
      lab.current.node(n); // unknown node: 404 before anything runs
      return runCommand(lab, n, command, user, DEFAULT_EXEC_LIMITS);
    }
    if (post && path === "/api/links") {
      const b = bodyOf(raw);
      only(b, ["a", "b", "link", "state", "silent", "delay", "loss"]);
      const up = b.state === undefined ? undefined : state(b);
      let a = str(b, "a", false);
      let z = str(b, "b", false);
      const id = str(b, "link", false);
      if (id !== undefined) {
        if (a !== undefined || z !== undefined)
          throw new HttpError(400, "give either link or a and b, not both", "link");
        const l = lab.links().find((x) => x.id === id);
        if (!l) throw new HttpError(404, `no link '${id}'`, "link", "not-found");
        a = l.a.node;
        z = l.b.node;
      }
      if (a === undefined) throw new HttpError(400, "a is required (or link)", "a");
      if (z === undefined) throw new HttpError(400, "b is required (or link)", "b");
      if (b.silent !== undefined && typeof b.silent !== "boolean")
        throw new HttpError(400, "silent must be boolean", "silent");
      const shape = linkRequestShape(b);
      if (up !== undefined) lab.setLink(a, z, up, { silent: b.silent === true });
      if (shape) lab.setLinkShape(a, z, shape);
      const link = lab
        .links()
        .find((l) => (l.a.node === a && l.b.node === z) || (l.a.node === z && l.b.node === a));
      return { link: link ?? null };
    }
    if (path === "/api/clock" && (get || post)) {
      if (post) await this.setClock(bodyOf(raw));
      return { ...lab.clock(), paced: lab.pacer !== undefined };
    }
    if (get && path === "/api/lesson") return this.cache.get();
    if (get && path === "/api/lesson/journal") {
      const q = new URL(url, "http://static.invalid").searchParams;
      return journalView(this.session, {
        since: q.get("since") ?? undefined,
        gen: q.get("gen") ?? undefined,
      });
    }
    if (post && path === "/api/clock/rewind") {
      const b = bodyOf(raw);
      only(b, ["t"], ["t"]);
      const t = b.t;
      if (typeof t !== "string" && typeof t !== "number")
        throw new HttpError(400, "body must have required property 't'", "t");
      return rewindSession(this.session, t);
    }
    if (get && path === "/api/stats") return { users: this.stats.snapshot() };
    if (get && path === "/api/users") return { users: [] };
    throw new HttpError(404, `no such path: ${method} ${path}`, undefined, "not-found");
  }

  private async setClock(b: Body): Promise<void> {
    only(b, ["speed", "paused", "step"]);
    if (Object.keys(b).length === 0) throw new HttpError(400, "body must NOT have fewer than 1 properties");
    const pacer = this.lab.pacer;
    const { speed, paused, step } = b;
    if (speed !== undefined && (typeof speed !== "number" || speed < MIN_SPEED || speed > MAX_SPEED))
      throw new HttpError(400, `speed must be a number from ${MIN_SPEED} to ${MAX_SPEED}`, "speed");
    if (paused !== undefined && typeof paused !== "boolean")
      throw new HttpError(400, "paused must be boolean", "paused");
    if (!pacer && (speed !== undefined || paused !== undefined))
      throw new HttpError(409, "this lab is not paced in real time: only step works", "speed", "conflict");
    if (pacer && typeof speed === "number") pacer.setSpeed(speed);
    if (pacer && paused === true) pacer.pause();
    if (pacer && paused === false && step === undefined) pacer.resume();
    if (step !== undefined) await stepClock(this.lab, parseClockStep(step));
  }

  /** Opens `/api/events` or `/api/terminal?cols=&rows=&node=` for the page; undefined for another path. */
  openSocket(url: string, peer: SocketPeer): VirtualSocket | undefined {
    const u = new URL(url, "http://static.invalid");
    if (u.pathname === "/api/events") {
      const sock: EventSocket = { send: (d) => peer.send(d), bufferedAmount: 0 };
      const handle = this.fanout.add(sock);
      return {
        message: (data) => {
          try {
            const m = JSON.parse(data) as { type?: string; value?: unknown };
            if (m.type === "hide-rip") handle.setHideRouting(m.value === true);
          } catch {
            // not JSON: ignored, as by the server
          }
        },
        close: () => handle.remove(),
      };
    }
    if (u.pathname === "/api/terminal") return this.terminal(u.searchParams, peer);
    return undefined;
  }

  private terminal(q: URLSearchParams, peer: SocketPeer): VirtualSocket {
    const dim = (v: string | null, d: number, max: number) => {
      const n = Number(v);
      return Number.isInteger(n) && n >= 2 ? Math.min(n, max) : d;
    };
    const node = q.get("node") ?? undefined;
    if (node !== undefined && !this.lab.nodes().some((n) => n.name === node)) {
      peer.send(JSON.stringify({ type: "error", error: `unknown node '${node.slice(0, 64)}'` }));
      peer.close(1008, "unknown node");
      return { message: () => {}, close: () => {} };
    }
    let closed = false;
    let pending = "";
    const flush = () => {
      if (!pending || closed) return;
      peer.send(JSON.stringify({ type: "output", data: pending }));
      pending = "";
    };
    const opts: Parameters<typeof openTerminal>[0] = {
      lab: this.lab,
      user: q.get("user") || this.o.user || "root",
      role: "instructor",
      limits: this.limits,
      cols: dim(q.get("cols"), 80, 500),
      rows: dim(q.get("rows"), 24, 200),
      write: (s) => {
        if (!pending) queueMicrotask(flush);
        pending += s;
      },
      onExit: (code) => {
        flush();
        if (closed) return;
        peer.send(JSON.stringify({ type: "exit", code }));
        closed = true;
        peer.close(1000, "logged out");
      },
    };
    if (node !== undefined) opts.node = node;
    const term = openTerminal(opts);
    if (typeof term === "string") {
      peer.send(JSON.stringify({ type: "error", error: term }));
      peer.close(1008, "too many sessions");
      return { message: () => {}, close: () => {} };
    }
    this.terminals.add(term);
    return {
      message: (text) => {
        let m: { type?: unknown; data?: unknown; cols?: unknown; rows?: unknown };
        try {
          m = JSON.parse(text);
        } catch {
          return;
        }
        if (m.type === "input" && typeof m.data === "string") term.input(m.data);
        else if (m.type === "resize") term.resize(dim(String(m.cols), 80, 500), dim(String(m.rows), 24, 200));
      },
      close: () => {
        closed = true;
        this.terminals.delete(term);
        term.close();
      },
    };
  }

  async close(): Promise<void> {
    for (const t of this.terminals) t.close();
    this.terminals.clear();
    this.offRewind();
    this.packets.stop();
    this.cache.close();
    this.fanout.stop();
    this.stats.stop();
    this.session.close();
    await this.lab.close();
  }
}
