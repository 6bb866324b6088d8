/**
 * @module web/api
 * The page speaks only the JSON API (docs/api.md). The instructor's token, when given, is
 * kept in localStorage and sent as a bearer token on every request.
 */
import type { LabEvent } from "../../src/core/events.js";
import type { ClockState, LinkInfo, NodeInfo, RouteInfo } from "../../src/lab/lab.js";

export type { ClockState, LinkInfo, NodeInfo, RouteInfo };

export interface TopologyView {
  name: string;
  engine: string;
  nodes: NodeInfo[];
  links: LinkInfo[];
  clock: ClockState;
}

export interface MissedMarker {
  kind: "missed";
  t: number;
  count: number;
}
/** The lab was rewound to `t`: the picture starts over from there. */
export interface RewindMarker {
  kind: "rewind";
  t: number;
}
export type StreamEvent = LabEvent | MissedMarker | RewindMarker;

export interface BatchMessage {
  type: "batch";
  clock: ClockState;
  events: StreamEvent[];
}

export interface ClockReply extends ClockState {
  paced: boolean;
}

export interface Session {
  user: string | null;
  role: string;
  control: boolean;
  /** The logged-in user's colour. */
  color?: string | null;
  /** The lab has a users file: the page logs people in. */
  logins?: boolean;
  /** The lab plays a lesson (timeline, checks, rewind). */
  lesson?: boolean;
  /** Watching needs a login (`up --private`): the page shows its login form first. */
  private?: boolean;
}

export interface UserCounters {
  sent: number;
  delivered: number;
  /** Stopped by a router that answered (TTL expired, no route): traceroute's hops. */
  answered?: number;
  lost: number;
  answeredBy?: Record<string, number>;
  lostBy: Record<string, number>;
  /** Delivered, but nobody listened (traceroute's last probes). */
  refusedBy?: Record<string, number>;
}

export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

const TOKEN_KEY = "routelab.token";

export function getToken(): string {
  return localStorage.getItem(TOKEN_KEY) ?? "";
}
export function setToken(t: string): void {
  if (t) localStorage.setItem(TOKEN_KEY, t);
  else localStorage.removeItem(TOKEN_KEY);
}

export async function call<T>(
  method: "GET" | "POST",
  path: string,
  body?: unknown,
  retried = false,
): Promise<T> {
  const headers: Record<string, string> = {};
  const token = getToken();
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  const init: RequestInit = { method, headers };
  if (body !== undefined) init.body = JSON.stringify(body);
  const res = await fetch(path, init);
  const data = (await res.json().catch(() => ({}))) as { error?: string; field?: string };
  // A stale token (the server restarted with another one) must not lock the page out of
  // what everyone may see: forget it and ask again without.
  if (res.status === 401 && token && method === "GET" && !retried) {
    setToken("");
    return call<T>(method, path, body, true);
  }
  if (!res.ok) throw new ApiFailure(res.status, data.error ?? res.statusText, data.field);
  return data as T;
}

export const api = {
  topology: () => call<TopologyView>("GET", "/api/topology"),
  session: () => call<Session>("GET", "/api/session"),
  routes: (node: string) =>
    call<{ node: string; routes: RouteInfo[] }>("GET", `/api/nodes/${encodeURIComponent(node)}/routes`),
  exec: (node: string, command: string, user?: string) =>
    call<{ output: string; exit: number; interrupted?: string }>(
      "POST",
      "/api/exec",
      user ? { node, command, user } : { node, command },
    ),
  setLink: (link: string, state: "up" | "down", silent = false) =>
    call<{ link: LinkInfo | null }>("POST", "/api/links", { link, state, silent }),
  setNode: (node: string, state: "up" | "down") =>
    call<{ node: NodeInfo | null }>("POST", `/api/nodes/${encodeURIComponent(node)}`, { state }),
  clock: () => call<ClockReply>("GET", "/api/clock"),
  login: (user: string, password: string) =>
    call<{ token: string; user: string; role: string; color: string | null }>("POST", "/api/login", {
      user,
      password,
    }),
  logout: () => call<{ ok: boolean }>("POST", "/api/logout", {}),
  users: () => call<{ users: { name: string; color: string; role?: string }[] }>("GET", "/api/users"),
  stats: () => call<{ users: Record<string, UserCounters> }>("GET", "/api/stats"),
  setClock: (body: { speed?: number; paused?: boolean; step?: string }) =>
    call<ClockReply>("POST", "/api/clock", body),
};
