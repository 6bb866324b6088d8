/**
 * @module server/http/schemas
 * What the API is asked, written once: JSON Schemas (TypeBox) of the request bodies,
 * parameters and queries. Fastify validates with them before a handler runs, the handler's
 * `request.body` gets its type from them (the TypeBox type provider), and docs/openapi.yaml is
 * generated from them. Unknown fields are refused (not silently dropped) so a typo such as
 * `{"sate": "down"}` gets a 400 naming the field instead of doing nothing.
 */
import { type Static, Type } from "@sinclair/typebox";
import { MAX_COMMAND_LINE, MAX_SPEED, MIN_SPEED } from "../../core/limits.js";
import { stringEnum } from "./answers.js";

export { MAX_SPEED, MIN_SPEED };

const name = (description?: string) =>
  Type.String({ minLength: 1, maxLength: 200, ...(description ? { description } : {}) });
/** A duration with a unit (`"20ms"`) or a number; the value itself is checked by the handler. */
const duration = () => Type.String({ minLength: 1, maxLength: 32 });

const upDown = () => stringEnum(["up", "down"]);

export const nodeParams = Type.Object({ node: name("a router's name") });

export const execBody = Type.Object(
  {
    node: name(),
    command: Type.String({ minLength: 1, maxLength: MAX_COMMAND_LINE }),
    user: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 64,
        pattern: "^[A-Za-z0-9_.-]+$",
        description: "run as this user (instructors and open labs; a student runs as themselves)",
      }),
    ),
  },
  { additionalProperties: false },
);

export const linkBody = Type.Object(
  {
    a: Type.Optional(name()),
    b: Type.Optional(name()),
    link: Type.Optional(name("a link id from /api/topology, instead of a and b")),
    state: Type.Optional(upDown()),
    silent: Type.Optional(Type.Boolean({ description: "with state down only: no loss of carrier" })),
    delay: Type.Optional(
      Type.Union([duration(), Type.Number()], {
        description: 'one-way delay from now on, a duration with a unit ("20ms") or whole nanoseconds',
      }),
    ),
    loss: Type.Optional(
      Type.Union([duration(), Type.Number()], {
        description: 'loss rate from now on, 0…1 or a percentage ("10%")',
      }),
    ),
  },
  { additionalProperties: false },
);

export const nodeBody = Type.Object({ state: upDown() }, { additionalProperties: false });

export const clockBody = Type.Object(
  {
    speed: Type.Optional(Type.Number({ minimum: MIN_SPEED, maximum: MAX_SPEED })),
    paused: Type.Optional(Type.Boolean()),
    step: Type.Optional(
      Type.Union([duration(), Type.Integer({ minimum: 1 })], {
        description: 'a duration ("100ms", "2s") or nanoseconds, at most 24h; leaves the clock paused',
      }),
    ),
  },
  { additionalProperties: false, minProperties: 1 },
);

/** `POST /api/login`. The password's length is capped like the users file's (1024). */
export const loginBody = Type.Object(
  {
    user: Type.String({ minLength: 1, maxLength: 64 }),
    password: Type.String({ minLength: 1, maxLength: 1024 }),
  },
  { additionalProperties: false },
);

export const rewindBody = Type.Object(
  {
    t: Type.Union([duration(), Type.Integer({ minimum: 0 })], {
      description: 'virtual nanoseconds from boot, or a time ("90s", "1m30s")',
    }),
  },
  { additionalProperties: false },
);

/**
 * Query strings arrive as text and are read by the handler, which names a bad one
 * (`since must be …`): the schemas say what is read without changing how.
 */
export const journalQuery = Type.Object({
  since: Type.Optional(Type.String({ description: "entries the client holds (a whole number)" })),
  gen: Type.Optional(Type.String({ description: "the generation they are of (a whole number)" })),
});

export const eventsQuery = Type.Object({
  format: Type.Optional(
    Type.String({
      description: "json (the default) or compact: the page's encoding, rows and a string table (api.md)",
    }),
  ),
});

export const terminalQuery = Type.Object({
  cols: Type.Optional(Type.String({ description: "terminal width, 2…500 (default 80)" })),
  rows: Type.Optional(Type.String({ description: "terminal height, 2…200 (default 24)" })),
  node: Type.Optional(Type.String({ description: "start on this router (default the first)" })),
});

export type ExecBody = Static<typeof execBody>;
/** At least one of state, delay and loss. */
export type LinkBody = Static<typeof linkBody>;
export type NodeBody = Static<typeof nodeBody>;
export type ClockBody = Static<typeof clockBody>;
export type LoginBody = Static<typeof loginBody>;
export type RewindBody = Static<typeof rewindBody>;
export type TerminalQuery = Static<typeof terminalQuery>;
