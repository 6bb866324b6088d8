/**
 * @module server/http/schemas
 * JSON schemas of the request bodies and parameters. Fastify validates with them before a
 * handler runs; unknown fields are refused (not silently dropped) so a typo such as
 * `{"sate": "down"}` gets a 400 naming the field instead of doing nothing.
 */

import { MAX_COMMAND_LINE, MAX_SPEED, MIN_SPEED } from "../../core/limits.js";

export { MAX_SPEED, MIN_SPEED };

const name = { type: "string", minLength: 1, maxLength: 200 } as const;

export const nodeParams = {
  type: "object",
  required: ["node"],
  properties: { node: name },
} as const;

export const execBody = {
  type: "object",
  required: ["node", "command"],
  additionalProperties: false,
  properties: {
    node: name,
    command: { type: "string", minLength: 1, maxLength: MAX_COMMAND_LINE },
    user: { type: "string", minLength: 1, maxLength: 64, pattern: "^[A-Za-z0-9_.-]+$" },
  },
} as const;

export const linkBody = {
  type: "object",
  additionalProperties: false,
  properties: {
    a: name,
    b: name,
    /** A link id from /api/topology, instead of a and b. */
    link: name,
    state: { type: "string", enum: ["up", "down"] },
    silent: { type: "boolean" },
    /** A duration (`"20ms"`) or whole nanoseconds; the value itself is checked by the handler. */
    delay: { anyOf: [{ type: "string", minLength: 1, maxLength: 32 }, { type: "number" }] },
    /** 0…1 or `"10%"`. */
    loss: { anyOf: [{ type: "string", minLength: 1, maxLength: 32 }, { type: "number" }] },
  },
} as const;

export const nodeBody = {
  type: "object",
  required: ["state"],
  additionalProperties: false,
  properties: { state: { type: "string", enum: ["up", "down"] } },
} as const;

export const clockBody = {
  type: "object",
  additionalProperties: false,
  minProperties: 1,
  properties: {
    speed: { type: "number", minimum: MIN_SPEED, maximum: MAX_SPEED },
    paused: { type: "boolean" },
    /** A duration (`"100ms"`, `"2s"`) or a number of nanoseconds. */
    step: {
      anyOf: [
        { type: "string", minLength: 1, maxLength: 32 },
        { type: "integer", minimum: 1 },
      ],
    },
  },
} as const;

export interface ExecBody {
  node: string;
  command: string;
  user?: string;
}
export interface LinkBody {
  a?: string;
  b?: string;
  link?: string;
  /** At least one of state, delay and loss. */
  state?: "up" | "down";
  silent?: boolean;
  delay?: string | number;
  loss?: string | number;
}
export interface NodeBody {
  state: "up" | "down";
}
export interface ClockBody {
  speed?: number;
  paused?: boolean;
  step?: string | number;
}

/** `POST /api/login`. The password's length is capped like the users file's (1024). */
export const loginBody = {
  type: "object",
  required: ["user", "password"],
  additionalProperties: false,
  properties: {
    user: { type: "string", minLength: 1, maxLength: 64 },
    password: { type: "string", minLength: 1, maxLength: 1024 },
  },
} as const;
export interface LoginBody {
  user: string;
  password: string;
}
