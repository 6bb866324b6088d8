/**
 * @module server/http/errors
 * The API's one catch point: every failure becomes `{error, field?, code}` with a 4xx/5xx
 * status, never a stack trace. LabError (bad node name, no such link) maps by its code;
 * schema validation failures name the offending field; AuthError keeps its status.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { LabError } from "../../core/errors.js";
import { AuthError } from "./auth.js";

export interface ApiError {
  error: string;
  field?: string;
  code: string;
}

/** An API error with a status (thrown by route handlers). */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly field?: string,
    readonly code = "invalid",
  ) {
    super(message);
    this.name = "HttpError";
  }
}

const LAB_STATUS: Record<string, number> = { "not-found": 404, unsupported: 501, conflict: 409 };

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
  if (err instanceof HttpError) {
    const body: ApiError = { error: err.message, code: err.code };
    if (err.field) body.field = err.field;
    return { status: err.status, body };
  }
  if (err instanceof AuthError)
    return {
      status: err.status,
      body: { error: err.message, code: err.status === 401 ? "unauthorized" : "forbidden" },
    };
  if (err instanceof LabError) {
    const body: ApiError = { error: err.message, code: err.code };
    if (err.pos.field) body.field = err.pos.field;
    return { status: LAB_STATUS[err.code] ?? 400, body };
  }
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
  if (status >= 500) request.log.error(err);
  void reply.status(status).send(body);
}
