/**
 * docs/openapi.yaml is generated from the routes' schemas (test/openapi-doc.ts, `npm run openapi`)
 * and held to the server: it is what the generator makes today, it is valid OpenAPI 3, every
 * route the server registers is in it, and every answer the server gives — the 200s and the
 * refusals (401, 403, 429) that anonymous watchers, students, wrong tokens and throttled guessers
 * get, on each route — is one the document lists, with a body its schema accepts.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Validator } from "@seriousme/openapi-schema-validator";
import { Ajv2020 } from "ajv/dist/2020.js";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import YAML from "yaml";
import { createLessonLab } from "../src/engines/sim/lesson.js";
import { FakeLab } from "../src/server/fake-lab.testkit.js";
import { UserLimits } from "../src/server/limits.js";
import { buildApp, type ServerOptions } from "../src/server/http/server.js";
import { SessionStore } from "../src/server/users/sessions.js";
import { UsersStore } from "../src/server/users/store.js";
import { LoginThrottle } from "../src/server/users/throttle.js";
import { loadTopologyText } from "../src/topology/index.js";
import { documentedApp, OPENAPI_FILE, openApiYaml } from "./openapi-doc.js";

interface Operation {
  responses: Record<string, { content?: { "application/json": { schema: object } } }>;
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
  components: object;
}

const committed = readFileSync(OPENAPI_FILE, "utf8");
const doc = YAML.parse(committed) as Document;

describe("docs/openapi.yaml", () => {
  it("is what `npm run openapi` makes from the routes' schemas today", async () => {
    expect(committed).toBe(await openApiYaml());
  });

  it("is a valid OpenAPI 3 document", async () => {
    const res = await new Validator().validate(YAML.parse(committed));
    expect(res.errors ?? []).toEqual([]);
    expect(res.valid).toBe(true);
  });

  it("has every route the server registers, and no other", async () => {
    const registered: string[] = [];
    const app = await documentedApp();
    // A second app, to see the routes as they are added (onRoute), hidden ones named.
    const { app: seen } = await buildApp({
      lab: new FakeLab(),
      webRoot: "/nonexistent",
      plugins: async (a) => {
        a.addHook("onRoute", (r) => {
          const methods = ([] as string[]).concat(r.method).filter((m) => m !== "HEAD");
          // @fastify/websocket marks its routes hidden; the document shows them (openapi-doc.ts).
          if (r.schema?.hide && !r.websocket) return;
          for (const m of methods) registered.push(`${m} ${r.url.replace(/:(\w+)/g, "{$1}")}`);
        });
      },
    });
    await seen.ready();
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect(documented.sort()).toEqual([...new Set(registered)].sort());
    expect(registered.length).toBeGreaterThan(15);
    await seen.close();
    await app.close();
  });
});

// ---- every answer the server gives is documented ----------------------------------------

const LESSON = join(import.meta.dirname, "..", "examples", "lessons", "seed-class.yaml");
const ADMIN = "the-admin-token-0123";

/** One request per documented operation, for a lab whose first node and link are given. */
function requests(
  node: string,
  link: string,
  caller: Caller,
): Record<string, { url: string; body?: object }> {
  return {
    "GET /api/topology": { url: "/api/topology" },
    "GET /api/nodes/{node}/routes": { url: `/api/nodes/${node}/routes` },
    // The lesson's routers run RIP: the documented 404 of a router without OSPF.
    "GET /api/nodes/{node}/ospf": { url: `/api/nodes/${node}/ospf` },
    "GET /api/session": { url: "/api/session" },
    "POST /api/exec": {
      url: "/api/exec",
      body: { node, command: "netstat -rn", ...(caller.execAs ? { user: caller.execAs } : {}) },
    },
    "POST /api/links": { url: "/api/links", body: { link, state: "up" } },
    "POST /api/nodes/{node}": { url: `/api/nodes/${node}`, body: { state: "up" } },
    "GET /api/clock": { url: "/api/clock" },
    "POST /api/clock": { url: "/api/clock", body: { step: "1ms" } },
    "GET /api/lesson": { url: "/api/lesson" },
    "GET /api/lesson/journal": { url: "/api/lesson/journal?since=0" },
    "POST /api/clock/rewind": { url: "/api/clock/rewind", body: { t: 0 } },
    "POST /api/login": {
      url: "/api/login",
      body: { user: "alice", password: caller.password ?? "alice-pw" },
    },
    "GET /api/users": { url: "/api/users" },
    "GET /api/stats": { url: "/api/stats" },
    "GET /api/packets/{packet}": { url: "/api/packets/1" },
    // Ends by itself: a capture is a stream until the reader goes.
    "GET /api/links/{link}/capture": { url: `/api/links/${link}/capture?seconds=0.05` },
    // Refusals come before the upgrade; a plain GET that passes them is not a WebSocket.
    "GET /api/terminal": { url: "/api/terminal?cols=80&rows=24" },
    // Last: it ends the caller's session.
    "POST /api/logout": { url: "/api/logout" },
  };
}
/** Routes whose every answer is a WebSocket's (refusals are close codes, in the description). */
const STREAM_ONLY = new Set(["GET /api/events"]);

interface Caller {
  /** Who, as the test reports it. */
  who: string;
  opts: Partial<ServerOptions>;
  /** The user its command runs as (a student may name only herself). */
  execAs?: string;
  /** What it logs in as alice with (default her password). */
  password?: string;
  /** Headers of each request, after `prime` ran on the fresh app. */
  prime?: (app: FastifyInstance) => Promise<Record<string, string>>;
}

async function makeLogins() {
  const dir = mkdtempSync(join(tmpdir(), "routelab-openapi-"));
  const users = UsersStore.load(join(dir, "users.yaml"));
  await users.add({ name: "alice", password: "alice-pw", role: "student" });
  await users.add({ name: "bob", password: "bob-pw-12", role: "instructor" });
  return { users, sessions: new SessionStore(), throttle: new LoginThrottle(), limits: new UserLimits() };
}

const bearerOf = async (app: FastifyInstance, user: string, password: string) => {
  const r = await app.inject({ method: "POST", url: "/api/login", payload: { user, password } });
  return { authorization: `Bearer ${(r.json() as { token: string }).token}` };
};

const CALLERS: Caller[] = [
  { who: "an anonymous watcher of a private lab", opts: { private: true } },
  { who: "an anonymous watcher", opts: {}, password: "not-her-password" },
  { who: "a student", opts: {}, execAs: "bob", prime: (app) => bearerOf(app, "alice", "alice-pw") },
  { who: "an instructor", opts: {}, prime: (app) => bearerOf(app, "bob", "bob-pw-12") },
  {
    who: "another site's page, with a student's login",
    opts: {},
    prime: async (app) => ({
      ...(await bearerOf(app, "alice", "alice-pw")),
      origin: "http://elsewhere.example",
    }),
  },
  {
    who: "a wrong bearer token",
    opts: { adminToken: ADMIN },
    prime: async () => ({ authorization: "Bearer nope" }),
  },
  {
    who: "a throttled guesser",
    opts: { adminToken: ADMIN },
    prime: async (app) => {
      for (let i = 0; i < 5; i++) {
        await app.inject({ url: "/api/clock", headers: { authorization: "Bearer guess" } });
        await app.inject({
          method: "POST",
          url: "/api/login",
          payload: { user: "alice", password: "guess" },
        });
      }
      return { authorization: "Bearer guess" };
    },
  },
  {
    who: "nobody, on a lab without logins but with an admin token",
    opts: { adminToken: ADMIN, logins: undefined },
  },
];

describe("every answer the server gives is in docs/openapi.yaml", () => {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  const seen = new Map<string, Set<string>>();
  const problems: string[] = [];

  beforeAll(async () => {
    for (const caller of CALLERS) {
      const { lab, session } = createLessonLab(
        loadTopologyText(readFileSync(LESSON, "utf8"), "seed-class.yaml"),
        {
          seed: 2,
        },
      );
      const logins = "logins" in caller.opts ? undefined : await makeLogins();
      const opts: ServerOptions = { lab, lesson: session, webRoot: "/nonexistent", ...caller.opts };
      if (logins) opts.logins = logins;
      const { app } = await buildApp(opts);
      await app.ready();
      try {
        const headers = (await caller.prime?.(app)) ?? {};
        const node = lab.nodes()[0]!.name;
        for (const [op, req] of Object.entries(requests(node, lab.links()[0]!.id, caller))) {
          const [method, path] = op.split(" ") as ["GET" | "POST", string];
          const res = await app.inject({
            method,
            url: req.url,
            headers,
            ...(req.body ? { payload: req.body } : {}),
          });
          // Past its refusals, a plain GET of a WebSocket route is not an upgrade (an empty 404).
          if (op === "GET /api/terminal" && res.body === "") continue;
          const status = String(res.statusCode);
          if (!seen.has(op)) seen.set(op, new Set());
          seen.get(op)!.add(status);
          const documented = doc.paths[path]?.[method.toLowerCase()]?.responses[status];
          if (!documented) {
            problems.push(
              `${caller.who}: ${op} answered ${status} (${res.body.slice(0, 120)}), not documented`,
            );
            continue;
          }
          const schema = documented.content?.["application/json"]?.schema;
          if (!schema) continue;
          const validate = ajv.compile({ ...schema, components: doc.components });
          if (!validate(res.json()))
            problems.push(
              `${caller.who}: ${op} ${status}: the body does not fit the schema: ${ajv.errorsText(validate.errors)}`,
            );
        }
      } finally {
        await app.close();
        await lab.close();
      }
    }
  });
  afterAll(() => seen.clear());

  it("each request of the matrix is a documented status with a body that fits", () => {
    expect(problems).toEqual([]);
  });

  it("covers every documented operation but the event stream", () => {
    const ops = Object.entries(doc.paths).flatMap(([p, o]) =>
      Object.keys(o).map((m) => `${m.toUpperCase()} ${p}`),
    );
    expect(ops.filter((op) => !STREAM_ONLY.has(op)).sort()).toEqual([...seen.keys()].sort());
  });

  it("provokes every refusal (401, 403, 429) the document claims, on each route", () => {
    const unprovoked: string[] = [];
    for (const [op, statuses] of seen) {
      const [method, path] = op.split(" ") as [string, string];
      for (const status of ["401", "403", "429"])
        if (doc.paths[path]![method.toLowerCase()]!.responses[status] && !statuses.has(status))
          unprovoked.push(`${op} ${status}`);
    }
    expect(unprovoked).toEqual([]);
  });
});
