/**
 * @module server/http/answers
 * What the API answers, written once: each JSON Schema (TypeBox) is the route's documented
 * response in docs/openapi.yaml (generated: `npm run openapi`) and, through `Static`, the
 * TypeScript type of the handler's return value and of the page's reading of it (web/src/api.ts
 * imports these types). Answers are sent with JSON.stringify, not through the schemas, so a
 * schema can never silently drop a field; test/openapi.test.ts checks real answers against them.
 *
 * Browser-safe: TypeBox only, no fastify, no Node (web/ imports the types).
 */
import { type Static, type TSchema, Type } from "@sinclair/typebox";

/** A `$ref` to a shared schema (registered by its `$id`), typed as the schema it names. */
const ref = <T extends TSchema>(schema: T) => Type.Unsafe<Static<T>>(Type.Ref(schema.$id!));

/**
 * One of a few strings, as `{type: string, enum}` (a validator names the allowed values; the
 * document reads as a list), typed as their union.
 */
export const stringEnum = <const T extends readonly string[]>(
  values: T,
  options: { description?: string } = {},
) => Type.Unsafe<T[number]>({ type: "string", enum: [...values], ...options });

const Nanos = (description = "virtual nanoseconds") => Type.Integer({ description });

export const ApiErrorSchema = Type.Object(
  {
    error: Type.String({ description: "what went wrong, in words" }),
    field: Type.Optional(Type.String({ description: "the request field at fault, e.g. `state`" })),
    code: Type.String({
      examples: [
        "invalid",
        "not-found",
        "unauthorized",
        "forbidden",
        "conflict",
        "throttled",
        "unsupported",
        "limit",
      ],
    }),
  },
  { $id: "Error", title: "Error" },
);

export const ClockSchema = Type.Object(
  {
    now: Nanos(),
    speed: Type.Number({ description: "virtual seconds per wall-clock second; 0 for an unpaced lab" }),
    paused: Type.Boolean(),
    actualSpeed: Type.Optional(
      Type.Number({
        description:
          "paced labs: the speed really kept lately, when measured; below speed when the CPU cannot keep up",
      }),
    ),
    behind: Type.Optional(
      Type.Boolean({ description: "paced labs: the simulation could not keep the asked speed lately" }),
    ),
  },
  { $id: "Clock", title: "Clock" },
);
export const ClockReplySchema = Type.Object(
  {
    ...ClockSchema.properties,
    paced: Type.Boolean({ description: "the clock follows the wall clock (speed and pause apply)" }),
  },
  { $id: "ClockReply", title: "ClockReply" },
);

export const InterfaceSchema = Type.Object(
  {
    name: Type.String(),
    addr: Type.String(),
    len: Type.Integer({ description: "prefix length" }),
    up: Type.Boolean(),
    link: Type.Optional(Type.String({ description: "the id of the link it is on" })),
  },
  { $id: "Interface", title: "Interface" },
);

export const NodeSchema = Type.Object(
  {
    name: Type.String(),
    kind: stringEnum(["router", "host"], {
      description: "a router forwards and runs its routing; a host is an end system",
    }),
    up: Type.Boolean(),
    routing: Type.String({ description: "the routing protocol it runs, or `static`" }),
    interfaces: Type.Array(ref(InterfaceSchema)),
    position: Type.Optional(Type.Object({ x: Type.Number(), y: Type.Number() })),
  },
  { $id: "Node", title: "Node" },
);

export const LinkEndSchema = Type.Object(
  { node: Type.String(), iface: Type.String(), addr: Type.String() },
  { $id: "LinkEnd", title: "LinkEnd" },
);

export const LinkSchema = Type.Object(
  {
    id: Type.String(),
    a: ref(LinkEndSchema),
    b: ref(LinkEndSchema),
    subnet: Type.String(),
    up: Type.Boolean(),
    silent: Type.Boolean({ description: "down without loss of carrier (the routers do not see it)" }),
    delay: Nanos("one-way delay, virtual ns"),
    bandwidth: Type.Number({ description: "bits per second" }),
    loss: Type.Number({ description: "loss rate, 0…1" }),
  },
  { $id: "Link", title: "Link" },
);

export const RouteSchema = Type.Object(
  {
    dest: Type.String(),
    gateway: Type.String(),
    flags: Type.String(),
    iface: Type.String(),
    metric: Type.Integer(),
    source: Type.String(),
    refs: Type.Integer(),
    use: Type.Integer(),
    nextHops: Type.Optional(
      Type.Array(Type.String(), {
        description: "every next hop of a multipath route (OSPF's equal-cost paths); `gateway` is the first",
      }),
    ),
  },
  { $id: "Route", title: "Route" },
);

export const SegmentPortSchema = Type.Object(
  {
    node: Type.String({ description: "the station" }),
    iface: Type.String({ description: "the station's interface on the segment" }),
    addr: Type.String(),
    link: Type.String({ description: "the port link's id, `STATION-SEGMENT` (in `links`)" }),
  },
  { $id: "SegmentPort", title: "SegmentPort" },
);

export const SegmentSchema = Type.Object(
  {
    id: Type.String({ description: "the segment's name (its learning switch's)" }),
    subnet: Type.String(),
    ports: Type.Array(ref(SegmentPortSchema), { description: "the stations, in endpoint order" }),
    position: Type.Optional(
      Type.Object(
        { x: Type.Number(), y: Type.Number() },
        { description: "where the switch is drawn (`position:`); absent: the middle of its stations" },
      ),
    ),
  },
  { $id: "Segment", title: "Segment" },
);

export const TopologyViewSchema = Type.Object({
  name: Type.String(),
  engine: Type.String(),
  nodes: Type.Array(ref(NodeSchema)),
  links: Type.Array(ref(LinkSchema)),
  segments: Type.Array(ref(SegmentSchema), { description: "shared Ethernet segments (empty: none)" }),
  clock: ref(ClockSchema),
});

export const RoutesReplySchema = Type.Object({ node: Type.String(), routes: Type.Array(ref(RouteSchema)) });

export const OspfReplySchema = Type.Object(
  {
    node: Type.String(),
    routerId: Type.String(),
    database: Type.String({ description: "`show ip ospf database` as FRR 8.4 prints it" }),
    lsas: Type.Array(
      Type.Object({
        type: Type.Union([Type.Literal("router"), Type.Literal("network")]),
        id: Type.String({ description: "Link State ID" }),
        advRouter: Type.String(),
        age: Type.Integer({ description: "seconds" }),
        seq: Type.String({ description: "sequence number, 0x8000000N" }),
      }),
    ),
    tree: Type.Array(
      Type.Object({
        parent: Type.String({ description: "a router's node name, or a network's prefix" }),
        child: Type.String(),
        dist: Type.Integer({ description: "the child's cost from the router" }),
        links: Type.Array(Type.String(), {
          description: "the map's links (or segment ports) the edge runs over",
        }),
      }),
      { description: "the shortest-path tree (RFC 2328 §16.1): one edge per vertex and equal-cost parent" },
    ),
  },
  { title: "OspfReply" },
);

export const ExecReplySchema = Type.Object({
  output: Type.String(),
  exit: Type.Integer(),
  interrupted: Type.Optional(
    stringEnum(["timeout", "output-limit"], {
      description: "the command was cut short at a bound",
    }),
  ),
  truncated: Type.Optional(Type.Boolean()),
});

export const LinkReplySchema = Type.Object({ link: Type.Union([ref(LinkSchema), Type.Null()]) });
export const NodeReplySchema = Type.Object({ node: Type.Union([ref(NodeSchema), Type.Null()]) });

const RoleSchema = stringEnum(["instructor", "student", "anonymous"]);
const UserRoleSchema = stringEnum(["instructor", "student"]);
const Color = (description = "the user's colour (#RRGGBB)") =>
  Type.Union([Type.String(), Type.Null()], { description });

export const SessionReplySchema = Type.Object({
  user: Type.Union([Type.String(), Type.Null()]),
  role: RoleSchema,
  control: Type.Boolean({ description: "control actions are open to the caller" }),
  color: Color(),
  logins: Type.Boolean({ description: "the lab has a users file (the page shows its login)" }),
  lesson: Type.Boolean({ description: "the lab plays a lesson (timeline, checks)" }),
  private: Type.Boolean({
    description: "watching needs a login (up --private); this endpoint still answers everyone",
  }),
});

export const LoginReplySchema = Type.Object({
  token: Type.String({ description: "also works as `Authorization: Bearer …`" }),
  user: Type.String(),
  role: UserRoleSchema,
  color: Color(),
});

export const LogoutReplySchema = Type.Object({
  ok: Type.Boolean(),
  ended: Type.Boolean({ description: "a session was ended" }),
});

export const UsersReplySchema = Type.Object({
  users: Type.Array(
    Type.Object({
      name: Type.String(),
      color: Type.String(),
      role: Type.Optional(UserRoleSchema),
    }),
  ),
});

const Counts = Type.Record(Type.String(), Type.Integer());
export const UserCountersSchema = Type.Object(
  {
    sent: Type.Integer(),
    delivered: Type.Integer(),
    answered: Type.Integer({ description: "stopped by a router that answered (TTL expired, no route)" }),
    lost: Type.Integer(),
    answeredBy: Counts,
    lostBy: Counts,
    refusedBy: Type.Record(Type.String(), Type.Integer(), {
      description: "delivered, but nobody listened (traceroute's last probes)",
    }),
  },
  { $id: "UserCounters", title: "UserCounters" },
);
export const StatsReplySchema = Type.Object({ users: Type.Record(Type.String(), ref(UserCountersSchema)) });

export const ScheduleEntrySchema = Type.Object({
  id: Type.String(),
  at: Nanos(),
  kind: stringEnum(["link", "shape", "node", "run"]),
  text: Type.String(),
  line: Type.Optional(Type.Integer()),
  done: Type.Boolean(),
});

export const CheckResultSchema = Type.Object({
  id: Type.String(),
  text: Type.String(),
  kind: Type.String(),
  status: stringEnum(["pass", "fail", "pending"]),
  reason: Type.String(),
  user: Type.Optional(Type.String({ description: "the student the check is about" })),
  at: Type.Optional(Nanos("when it is evaluated, when not at the end")),
  hint: Type.Optional(Type.String()),
  line: Type.Optional(Type.Integer()),
});

export const LessonStatusSchema = Type.Object({
  now: Nanos(),
  horizon: Nanos("the latest moment reached"),
  schedule: Type.Array(ScheduleEntrySchema),
  checks: Type.Array(CheckResultSchema),
});

export const JournalEntrySchema = Type.Object({
  t: Nanos(),
  kind: stringEnum(["link", "shape", "node", "exec", "interrupt"]),
  text: Type.String(),
});

export const JournalPageSchema = Type.Object({
  gen: Type.Integer({ description: "changes whenever recorded entries were dropped (a branch)" }),
  from: Type.Integer({ description: "index of the first entry given" }),
  entries: Type.Array(JournalEntrySchema),
  applied: Type.Integer({
    description: "entries applied (the past); the rest up to `total` is the recorded future",
  }),
  total: Type.Integer(),
});
export const JournalReplySchema = Type.Object({
  ...JournalPageSchema.properties,
  now: Nanos(),
  horizon: Nanos("the latest moment reached"),
});

export const RewindReplySchema = Type.Object({
  ...ClockSchema.properties,
  horizon: Nanos("the latest moment reached"),
});

/** The shared schemas `$ref`ed above, registered once with fastify (`app.addSchema`). */
export const SHARED_SCHEMAS: TSchema[] = [
  ApiErrorSchema,
  ClockSchema,
  ClockReplySchema,
  InterfaceSchema,
  NodeSchema,
  LinkEndSchema,
  LinkSchema,
  SegmentPortSchema,
  SegmentSchema,
  RouteSchema,
  UserCountersSchema,
];

export type ApiErrorBody = Static<typeof ApiErrorSchema>;
export type ClockReply = Static<typeof ClockReplySchema>;
export type TopologyView = Static<typeof TopologyViewSchema>;
export type RoutesReply = Static<typeof RoutesReplySchema>;
export type OspfReply = Static<typeof OspfReplySchema>;
export type ExecReply = Static<typeof ExecReplySchema>;
export type LinkReply = Static<typeof LinkReplySchema>;
export type NodeReply = Static<typeof NodeReplySchema>;
export type SessionReply = Static<typeof SessionReplySchema>;
export type LoginReply = Static<typeof LoginReplySchema>;
export type LogoutReply = Static<typeof LogoutReplySchema>;
export type UsersReply = Static<typeof UsersReplySchema>;
export type UserCountersView = Static<typeof UserCountersSchema>;
export type StatsReply = Static<typeof StatsReplySchema>;
export type LessonStatusView = Static<typeof LessonStatusSchema>;
export type JournalReply = Static<typeof JournalReplySchema>;
export type RewindReply = Static<typeof RewindReplySchema>;
