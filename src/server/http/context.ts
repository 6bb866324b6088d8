/**
 * @module server/http/context
 * What every route module gets: the lab, the authorizer, the limits, and (with a users file)
 * the login services shared with SSH.
 */
import type { FastifyRequest } from "fastify";
import type { ServerLab } from "../server-lab.js";
import { type Action, AuthError, type Authorizer, type Principal } from "./auth.js";
import type { ExecLimits } from "./exec-runner.js";
import type { LoginServices } from "./session-auth.js";
import type { StatsService } from "./sim-services.js";

export interface ApiContext {
  lab: ServerLab;
  authorize: Authorizer;
  execLimits: ExecLimits;
  /** Users, sessions, throttle and per-user limits; absent for a lab without logins. */
  logins?: LoginServices;
  /** Per-user packet counters. */
  stats: StatsService;
  /** The lab plays a lesson (its API answers; the page shows the timeline). */
  lesson?: boolean;
  /** Watching needs a login (`up --private`). */
  private?: boolean;
}

/** Runs the authorizer; a chain that answers nothing is a refusal. */
export async function principalFor(
  ctx: ApiContext,
  request: FastifyRequest,
  action: Action,
): Promise<Principal> {
  const p = await ctx.authorize(request, action);
  if (!p) throw new AuthError(`not allowed to ${action}`, 403);
  return p;
}
