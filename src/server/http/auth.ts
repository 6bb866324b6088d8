/**
 * @module server/http/auth
 * Who may do what through the API. Every route asks `authorize(request, action)` before acting;
 * the answer is the principal the action runs as, or an AuthError saying why not.
 *
 * Issue 4 needs only the admin bearer token (`--admin-token T`): when one is configured,
 * control actions (links, nodes, clock) require `Authorization: Bearer T`. Issue 5 (users,
 * sessions, roles) plugs in by wrapping or replacing the Authorizer passed to createServer;
 * `chainAuthorizers` lets a session check run first and the token check after it.
 */
import { timingSafeEqual } from "node:crypto";
import type { FastifyRequest } from "fastify";
import { sourceKey } from "../source-address.js";
import type { LoginThrottle } from "../users/throttle.js";
import { HttpError } from "./api-shapes.js";

/**
 * - `view`: read topology, routes, clock, the event stream.
 * - `exec`: run a command on a node (students may).
 * - `control`: take links and nodes down/up, change the clock (instructors only).
 */
export type Action = "view" | "exec" | "control";

export type Role = "instructor" | "student" | "anonymous";

export interface Principal {
  /** The user actions run as; undefined for an anonymous caller. */
  user?: string;
  role: Role;
  /** The login session's token, when the caller came with one (not the admin token). */
  session?: string;
}

/** A refusal: 401 when the caller is not known, 403 when known but not allowed. */
export class AuthError extends Error {
  constructor(
    message: string,
    readonly status: 401 | 403,
  ) {
    super(message);
    this.name = "AuthError";
  }
}

/**
 * Decides whether `request` may perform `action`. Returns the principal, throws AuthError to
 * refuse, or returns `undefined` to let the next authorizer of a chain decide.
 */
export type Authorizer = (
  request: FastifyRequest,
  action: Action,
) => Principal | undefined | Promise<Principal | undefined>;

/** The `Bearer …` token of a request, if any. */
export function bearerToken(request: FastifyRequest): string | undefined {
  const h = request.headers.authorization;
  if (typeof h !== "string") return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
  return m?.[1];
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** A refused login or token guess: 429 with Retry-After (errors.ts sets the header and logs it). */
export class ThrottledError extends HttpError {
  readonly retryAfterS: number;
  constructor(waitMs: number, who: string, field?: string) {
    const s = Math.ceil(waitMs / 1000);
    super(429, `too many failed logins for ${who}: try again in ${s} s`, field, "throttled");
    this.retryAfterS = s;
  }
}

/** Throttle key of admin-token guesses ("admin" is a reserved user name, so no account shares it). */
const ADMIN = "admin";

/**
 * Whether the request's bearer token is the admin token. Each comparison is a login attempt
 * under the throttle, per source address: a wrong bearer token counts as a failed guess, and
 * when this address has guessed too often even the right token waits (ThrottledError).
 */
export function isAdminToken(request: FastifyRequest, adminToken: string, throttle: LoginThrottle): boolean {
  const token = bearerToken(request);
  if (token === undefined) return false;
  const addr = sourceKey(request.ip);
  const attempt = throttle.begin(ADMIN, addr);
  if (typeof attempt === "number") throw new ThrottledError(attempt, "the admin token from this address");
  if (sameSecret(token, adminToken)) {
    attempt.succeed();
    return true;
  }
  attempt.fail();
  request.log.warn(
    { event: "token-failed", proto: "http", addr },
    `http: ${addr}: a bearer token that is no session nor the admin token`,
  );
  return false;
}

/**
 * The issue-4 rules: with no admin token everybody may do everything (a lab on one's own
 * laptop); with one, `view` and `exec` stay open and `control` needs the token. The token
 * makes the caller an instructor for every action; guesses at it are throttled.
 */
export function tokenAuthorizer(adminToken?: string, throttle?: LoginThrottle): Authorizer {
  return (request, action) => {
    const token = bearerToken(request);
    if (adminToken !== undefined && token !== undefined) {
      const ok = throttle ? isAdminToken(request, adminToken, throttle) : sameSecret(token, adminToken);
      if (!ok) throw new AuthError("wrong admin token", 401);
      return { user: ADMIN, role: "instructor" };
    }
    if (adminToken === undefined) return { role: "anonymous" };
    if (action === "control")
      throw new AuthError("this action needs the instructor's token (Authorization: Bearer …)", 401);
    return { role: "anonymous" };
  };
}

/** Asks each authorizer in turn; the first that answers (returns a principal or throws) wins. */
export function chainAuthorizers(...chain: Authorizer[]): Authorizer {
  return async (request, action) => {
    for (const a of chain) {
      const p = await a(request, action);
      if (p) return p;
    }
    throw new AuthError("not allowed", 403);
  };
}
