/**
 * @module web/api
 * The page speaks only the JSON API (docs/api.md). The instructor's token, when given, is
 * kept in localStorage and sent as a bearer token on every request.
 */
import type { ClockState, LinkInfo, NodeInfo, RouteInfo } from "../../src/lab/lab.js";
import type {
  ClockReply,
  ExecReply,
  LinkReply,
  LoginReply,
  LogoutReply,
  NodeReply,
  OspfReply,
  RoutesReply,
  SessionReply,
  StatsReply,
  TopologyView,
  UserCountersView,
  UsersReply,
} from "../../src/server/http/answers.js";

// The answers' and the streams' shapes are the server's own (src/server/http/answers.ts,
// stream-messages.ts): the page reads what the server writes, not a copy of it.
export type {
  BatchMessage,
  MissedMarker,
  RewindMarker,
  StreamEvent,
} from "../../src/server/http/stream-messages.js";
export type { ClockReply, ClockState, LinkInfo, NodeInfo, OspfReply, RouteInfo, TopologyView };
export type Session = SessionReply;
export type UserCounters = UserCountersView;

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
  routes: (node: string) => call<RoutesReply>("GET", `/api/nodes/${encodeURIComponent(node)}/routes`),
  ospf: (node: string) => call<OspfReply>("GET", `/api/nodes/${encodeURIComponent(node)}/ospf`),
  exec: (node: string, command: string, user?: string) =>
    call<ExecReply>("POST", "/api/exec", user ? { node, command, user } : { node, command }),
  setLink: (link: string, state: "up" | "down", silent = false) =>
    call<LinkReply>("POST", "/api/links", { link, state, silent }),
  setNode: (node: string, state: "up" | "down") =>
    call<NodeReply>("POST", `/api/nodes/${encodeURIComponent(node)}`, { state }),
  clock: () => call<ClockReply>("GET", "/api/clock"),
  login: (user: string, password: string) => call<LoginReply>("POST", "/api/login", { user, password }),
  logout: () => call<LogoutReply>("POST", "/api/logout", {}),
  users: () => call<UsersReply>("GET", "/api/users"),
  stats: () => call<StatsReply>("GET", "/api/stats"),
  setClock: (body: { speed?: number; paused?: boolean; step?: string }) =>
    call<ClockReply>("POST", "/api/clock", body),
};
