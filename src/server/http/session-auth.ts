/**
 * @module server/http/session-auth
 * Who a request is when the lab has logins (a users file): the web session of the page (an
 * HttpOnly cookie), a session token sent as `Authorization: Bearer …` by scripts, or the
 * admin token. The same rules as SSH: anybody may watch, only a logged-in person runs
 * commands (as themselves), and only an instructor takes the network apart.
 *
 * The cookie is `HttpOnly; SameSite=Strict`: the page's script never sees the token, and no
 * other site can make a browser send it (no cross-site request forgery, also for the
 * terminal's WebSocket, whose Origin is checked besides).
 */
import type { FastifyRequest } from "fastify";
import type { UserLimits } from "../limits.js";
import { passwordChanged, type Session, type SessionStore } from "../users/sessions.js";
import type { UsersStore } from "../users/store.js";
import type { LoginThrottle } from "../users/throttle.js";
import { AuthError, type Authorizer, bearerToken, chainAuthorizers, isAdminToken } from "./auth.js";

/** What the HTTP server shares with the SSH server (from `startLogins`). */
export interface LoginServices {
  users: UsersStore;
  sessions: SessionStore;
  throttle: LoginThrottle;
  limits: UserLimits;
}

export const SESSION_COOKIE = "routelab_session";

/** The value of cookie `name` in a request's Cookie header, if any. */
export function cookieValue(request: FastifyRequest, name: string): string | undefined {
  const header = request.headers.cookie;
  if (typeof header !== "string" || header.length > 8192) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** The session token of a request: the bearer token, else the page's cookie. */
export function sessionTokenOf(request: FastifyRequest): string | undefined {
  return bearerToken(request) ?? cookieValue(request, SESSION_COOKIE);
}

/**
 * The live session of a token, with the user's current role (the users file may have changed
 * since the login: a removed user's sessions end, and so do those made before a password
 * change; a promotion or demotion takes effect at once).
 */
export function liveSession(logins: LoginServices, token: string | undefined): Session | undefined {
  const s = logins.sessions.get(token);
  if (!s) return undefined;
  logins.users.refresh();
  const role = logins.users.role(s.user);
  if (!role) {
    logins.sessions.revoke(s.token, "removed");
    return undefined;
  }
  if (passwordChanged(logins.users, s)) {
    logins.sessions.revoke(s.token, "password");
    return undefined;
  }
  s.role = role;
  return s;
}

export const CONTROL_REFUSAL =
  "only an instructor can take links and routers down or up, change links' delay and loss, or change the clock";

function sessionAuthorizer(
  logins: LoginServices,
  token: (r: FastifyRequest) => string | undefined,
): Authorizer {
  return (request, action) => {
    const s = liveSession(logins, token(request));
    if (!s) return undefined;
    if (action === "control" && s.role !== "instructor")
      throw new AuthError(`${s.user} is a ${s.role}: ${CONTROL_REFUSAL}`, 403);
    return { user: s.user, role: s.role, session: s.token };
  };
}

function adminTokenAuthorizer(adminToken: string | undefined, throttle: LoginThrottle): Authorizer {
  return (request) =>
    adminToken !== undefined && isAdminToken(request, adminToken, throttle)
      ? { user: "admin", role: "instructor" }
      : undefined;
}

/** A bearer token that is neither a session nor the admin token is refused, not ignored. */
const staleBearer: Authorizer = (request) => {
  if (bearerToken(request) === undefined) return undefined;
  throw new AuthError("unknown or expired token: log in again (POST /api/login)", 401);
};

export const PRIVATE_REFUSAL = "this lab is private: log in to watch (the page's login, or POST /api/login)";

/** Nobody logged in: may watch (unless the lab is private), nothing more. */
const anonymous =
  (isPrivate: boolean): Authorizer =>
  (_request, action) => {
    if (action === "view") {
      if (isPrivate) throw new AuthError(PRIVATE_REFUSAL, 401);
      return { role: "anonymous" };
    }
    if (action === "exec")
      throw new AuthError("log in to run commands (the page's login, or POST /api/login)", 401);
    throw new AuthError(`log in as an instructor: ${CONTROL_REFUSAL}`, 401);
  };

/**
 * The rules of a lab with logins, in order: a session token as bearer, the admin token, the
 * page's session cookie (so a stale token a page kept does not hide a good cookie), then a
 * refusal of any other bearer token, then anonymous (watch only; nothing at all when `private`).
 */
export function loginsAuthorizer(
  logins: LoginServices,
  adminToken?: string,
  opts: { private?: boolean } = {},
): Authorizer {
  return chainAuthorizers(
    sessionAuthorizer(logins, bearerToken),
    adminTokenAuthorizer(adminToken, logins.throttle),
    sessionAuthorizer(logins, (r) => cookieValue(r, SESSION_COOKIE)),
    staleBearer,
    anonymous(opts.private === true),
  );
}

/** `Set-Cookie` value that stores a session token for `maxAgeS` seconds (0 clears it). */
export function sessionCookie(token: string, maxAgeS: number, secure: boolean): string {
  return (
    `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${Math.max(0, Math.floor(maxAgeS))}` +
    (secure ? "; Secure" : "")
  );
}
