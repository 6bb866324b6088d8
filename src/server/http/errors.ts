/**
 * @module server/http/errors
 * The API's one catch point: every failure becomes `{error, field?, code}` with a 4xx/5xx
 * status, never a stack trace. LabError (bad node name, no such link) maps by its code;
 * schema validation failures name the offending field; AuthError keeps its status.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { type ApiError, httpOrLabError } from "./api-shapes.js";
import { sourceKey } from "../source-address.js";
import { AuthError, ThrottledError } from "./auth.js";

/** The field a fastify/ajv validation error is about, e.g. `state` or `body.silent`. */
function validationField(err: FastifyError): string | undefined {
  const v = err.validation?.[0];
  if (!v) return undefined;
  const params = v.params as Record<string, unknown>;
  const extra = (params.missingProperty ?? params.additionalProperty) as string | undefined;
  const path = v.instancePath.replace(/^\//, "").replaceAll("/", ".");
  return [path, extra].filter(Boolean).join(".") || undefined;
}

export function toApiError(err: unknown): { status: number; body: ApiError } {
  const known = httpOrLabError(err);
  if (known) return known;
  if (err instanceof AuthError)
    return {
      status: err.status,
      body: { error: err.message, code: err.status === 401 ? "unauthorized" : "forbidden" },
    };
  const fe = err as FastifyError;
  if (fe?.validation) {
    const field = validationField(fe);
    const what = fe.validation[0]!;
    const msg =
      what.keyword === "additionalProperties"
        ? `unknown field '${field}'`
        : `${field ?? "body"} ${what.message}`;
    const body: ApiError = { error: msg, code: "invalid" };
    if (field) body.field = field;
    return { status: 400, body };
  }
  if (typeof fe?.statusCode === "number" && fe.statusCode >= 400 && fe.statusCode < 500)
    return { status: fe.statusCode, body: { error: fe.message, code: fe.code ?? "invalid" } };
  return { status: 500, body: { error: "internal error", code: "internal" } };
}

export function errorHandler(err: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const { status, body } = toApiError(err);
  if (err instanceof ThrottledError) {
    void reply.header("retry-after", String(err.retryAfterS));
    request.log.warn({ event: "throttled", proto: "http", addr: sourceKey(request.ip) }, err.message);
  }
  if (status >= 500) request.log.error(err);
  void reply.status(status).send(body);
}
