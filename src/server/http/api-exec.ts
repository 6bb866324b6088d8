/**
 * @module server/http/api-exec
 * `POST /api/exec {node, command, user?}` → `{output, exit}`: one command line on a node, the
 * same shell as scenarios and SSH, output collected and bounded (exec-runner).
 *
 * With logins, a logged-in person's command goes through the same `createUserExec` as their
 * SSH session and web terminal: the role's policy (a student's `ping -i 0.01` is refused with
 * 403 and the reason), the instructor's control commands, and the per-user caps. Without
 * logins (a lab on one's own laptop, tests) commands run on the lab directly, as before.
 */
import type { FastifyInstance } from "fastify";
import { checkCommandAllowed } from "../policy.js";
import { createUserExec } from "../user-exec.js";
import { type ApiContext, principalFor } from "./context.js";
import { HttpError } from "./api-shapes.js";
import { runCommand } from "./exec-runner.js";
import { type ExecBody, execBody } from "./schemas.js";

export function registerExecApi(app: FastifyInstance, ctx: ApiContext): void {
  app.post<{ Body: ExecBody }>("/api/exec", { schema: { body: execBody } }, async (request) => {
    const who = await principalFor(ctx, request, "exec");
    const { node, command } = request.body;
    // A logged-in student runs as themselves; an instructor (or an open lab) may name the user,
    // which is how scripts colour their packets.
    if (who.role === "student" && request.body.user !== undefined && request.body.user !== who.user)
      throw new HttpError(
        403,
        `${who.user} is a student and runs commands as ${who.user}`,
        "user",
        "forbidden",
      );
    const user = who.role === "student" ? who.user : (request.body.user ?? who.user);
    ctx.lab.routes(node); // unknown node → 404 before anything runs
    const logins = ctx.logins;
    if (!logins || user === undefined || who.role === "anonymous")
      return runCommand(ctx.lab, node, command, user, ctx.execLimits);
    const refusal = checkCommandAllowed(user, who.role, command);
    if (refusal) throw new HttpError(403, refusal, "command", "forbidden");
    const exec = createUserExec({ lab: ctx.lab, user, role: who.role, limits: logins.limits });
    return runCommand(ctx.lab, node, command, user, ctx.execLimits, (write) => exec(node, command, write));
  });
}
