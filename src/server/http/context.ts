/**
 * @module server/http/context
 * What every route module gets: the lab, the authorizer and the limits.
 */
import type { FastifyRequest } from "fastify";
import type { Lab } from "../../lab/lab.js";
import { type Action, AuthError, type Authorizer, type Principal } from "./auth.js";
import type { ExecLimits } from "./exec-runner.js";

export interface ApiContext {
  lab: Lab;
  authorize: Authorizer;
  execLimits: ExecLimits;
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
