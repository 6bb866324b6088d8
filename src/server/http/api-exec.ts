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
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { checkCommandAllowed, grantedCommands } from "../policy.js";
import { createUserExec } from "../user-exec.js";
import { type ApiContext, principalFor } from "./context.js";
import { HttpError } from "./api-shapes.js";
import { runCommand } from "./exec-runner.js";
import { ExecReplySchema } from "./answers.js";
import { BAD_REQUEST, errorAnswer, NOT_FOUND, okAnswer, REFUSALS, SECURITY } from "./route-docs.js";
import { execBody } from "./schemas.js";

const execSchema = {
  summary: "Run one command line on a router",
  description:
    "With logins a command needs a login and runs under the role's policy and per-user caps; without, anybody may run one (and name the user its packets wear).",
  security: SECURITY.anybody,
  body: execBody,
  response: {
    200: okAnswer(ExecReplySchema, "The command finished (or was interrupted at a bound)"),
    400: BAD_REQUEST,
    ...REFUSALS,
    403: errorAnswer(
      "Refused by the role's policy (a student's `ping -i 0.01`, `link down`, or another user's name), with the reason",
    ),
    404: NOT_FOUND("no such router"),
    429: errorAnswer(
      "A per-user cap (commands running at once) or too many wrong tokens from this address (then with Retry-After)",
    ),
  },
};

export function registerExecApi(app: FastifyInstance, ctx: ApiContext): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  api.post("/api/exec", { schema: execSchema }, async (request) => {
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
    await ctx.lab.routes(node); // unknown node → 404 before anything runs
    const logins = ctx.logins;
    if (!logins || user === undefined || who.role === "anonymous")
      return runCommand(ctx.lab, node, command, user, ctx.execLimits);
    const refusal = checkCommandAllowed(user, who.role, command, grantedCommands(ctx.lab));
    if (refusal) throw new HttpError(403, refusal, "command", "forbidden");
    const exec = createUserExec({ lab: ctx.lab, user, role: who.role, limits: logins.limits });
    return runCommand(ctx.lab, node, command, user, ctx.execLimits, (write) => exec(node, command, write));
  });
}
