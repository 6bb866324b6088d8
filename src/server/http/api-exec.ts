/**
 * @module server/http/api-exec
 * `POST /api/exec {node, command, user?}` → `{output, exit}`: one command line on a node, the
 * same shell as scenarios and SSH, output collected and bounded (exec-runner).
 */
import type { FastifyInstance } from "fastify";
import { type ApiContext, principalFor } from "./context.js";
import { runCommand } from "./exec-runner.js";
import { type ExecBody, execBody } from "./schemas.js";

export function registerExecApi(app: FastifyInstance, ctx: ApiContext): void {
  app.post<{ Body: ExecBody }>("/api/exec", { schema: { body: execBody } }, async (request) => {
    const who = await principalFor(ctx, request, "exec");
    const { node, command } = request.body;
    // A logged-in student runs as themselves; an instructor (or an open lab) may name the user,
    // which is how scripts colour their packets.
    const user = who.role === "student" ? who.user : (request.body.user ?? who.user);
    ctx.lab.routes(node); // unknown node → 404 before anything runs
    return runCommand(ctx.lab, node, command, user, ctx.execLimits);
  });
}
