/**
 * @module server/http/route-docs
 * The answers every route shares, for its `schema.response`: the error body under each status
 * with the reason it is given, and the refusals (401, 403, 429) of the routes that ask who the
 * caller is. docs/openapi.yaml is generated from these (`npm run openapi`), and
 * test/openapi.test.ts provokes each refusal on each route to hold the document to them.
 */
import { type Static, type TSchema, Type } from "@sinclair/typebox";
import { ApiErrorSchema } from "./answers.js";

type ErrorBody = Static<typeof ApiErrorSchema>;

/** The error body, `$ref`ed, with why it is sent. */
export function errorAnswer(description: string, headers?: Record<string, TSchema>) {
  return Type.Unsafe<ErrorBody>({
    $ref: `${ApiErrorSchema.$id}#`,
    description,
    ...(headers ? { headers } : {}),
  });
}

/** A successful answer: its schema, with what it says. */
export function okAnswer<T extends TSchema>(schema: T, description: string): T {
  return { ...schema, description };
}

const UNKNOWN = errorAnswer(
  "Not known: a bearer token that is no session nor the admin token, or nobody logged in where a login is needed (watching a private lab, `up --private`)",
);
const THROTTLED = errorAnswer(
  "Too many wrong tokens or passwords from this address: try again after Retry-After seconds",
  { "Retry-After": Type.Integer({ description: "seconds to wait" }) },
);

/**
 * Refusals of a route that asks who the caller is (context.ts `principalFor`) to watch: with an
 * admin token or logins any request may carry a wrong bearer token (401), a private lab needs a
 * login (401), and guesses at the admin token are throttled per address on every route that
 * reads one (429).
 */
export const REFUSALS = { 401: UNKNOWN, 429: THROTTLED };

/** Refusals of an instructor's action: as REFUSALS, and a student or watcher asking (403). */
const CONTROL_REFUSALS = {
  401: errorAnswer(
    "Not known: no instructor's session nor the admin token (with an admin token or logins), or a wrong bearer token",
  ),
  403: errorAnswer(
    "Known, not allowed: a student (or anybody but an instructor) asking for an instructor's action",
  ),
  429: THROTTLED,
};

export const BAD_REQUEST = errorAnswer("The request is malformed; `field` names the offending field");
export const NOT_FOUND = (what: string) => errorAnswer(`Not found: ${what}`);

/**
 * The answers of an instructor's action (a route that asks for `control`) with a body or query:
 * `ok`, a malformed request (400), the refusals of CONTROL_REFUSALS, and the route's own (`more`).
 */
export function controlAnswers<T extends TSchema, More extends Record<number, TSchema>>(ok: T, more: More) {
  return { 200: ok, 400: BAD_REQUEST, ...CONTROL_REFUSALS, ...more };
}

/** The WebSocket upgrade answer (no body). */
export const SWITCHING = Type.Unsafe<never>({
  type: "null",
  description: "Switching to the WebSocket protocol",
});

/** Security requirements, as named in the document's `securitySchemes`. */
type Security = { [scheme: string]: readonly string[] }[];
export const SECURITY: Record<"anybody" | "login" | "none", Security> = {
  /** Who anybody may be: the session cookie, a session's bearer token, the admin token, or nothing. */
  anybody: [{}, { sessionCookie: [] }, { bearer: [] }],
  /** A login (the cookie or its bearer token) or the admin token. */
  login: [{ sessionCookie: [] }, { bearer: [] }],
  /** Nobody needs to be anybody (logging in). */
  none: [{}],
};

declare module "fastify" {
  interface FastifySchema {
    /** Left out of docs/openapi.yaml (the page's own files); @fastify/swagger reads it. */
    hide?: boolean;
  }
}
