/**
 * GET /api/nodes/:node/ospf on the simulator: a router's database (FRR's `show ip ospf
 * database` text and the LSAs as rows) and its shortest-path tree with the map's links each
 * edge runs over — point to point, and with broadcast networks (network vertices by prefix).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { afterEach, describe, expect, it } from "vitest";
import { SECOND } from "../../core/time.js";
import { createSimLab, type SimLab } from "../../engines/sim/index.js";
import { loadTopologyText } from "../../topology/index.js";
import type { OspfReply } from "./answers.js";
import { buildApp } from "./server.js";

const SEED = join(import.meta.dirname, "..", "..", "..", "examples", "seed.yaml");

/** The seed with `routing` (and OSPF's network type), converged a minute. */
function seed(routing: string): SimLab {
  const text = readFileSync(SEED, "utf8").replace(/^ {2}routing: rip .*$/m, `  routing: ${routing}`);
  const lab = createSimLab(loadTopologyText(text, SEED), { seed: 3 });
  lab.net.scheduler.runUntil(60 * SECOND);
  return lab;
}

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function get(lab: SimLab, url: string) {
  app = (await buildApp({ lab, webRoot: "/nonexistent", fanout: { intervalMs: 5 } })).app;
  await app.ready();
  return app.inject({ method: "GET", url });
}

describe("GET /api/nodes/:node/ospf", () => {
  it("answers a router's database and its SPF tree over the map's links (point to point)", async () => {
    const lab = seed("ospf");
    const res = await get(lab, "/api/nodes/vm1/ospf");
    expect(res.statusCode).toBe(200);
    const v = res.json() as OspfReply;
    expect(v.node).toBe("vm1");
    expect(v.database).toContain(`OSPF Router with ID (${v.routerId})`);
    expect(v.database).toContain("Router Link States (Area 0.0.0.0)");
    expect(v.lsas.filter((l) => l.type === "router").length).toBe(9);
    // Every other router is on the tree, each edge on a link between its two routers.
    const children = new Set(v.tree.map((e) => e.child));
    expect([...children].sort()).toEqual(["vm2", "vm3", "vm4", "vm5", "vm6", "vm7", "vm8", "vm9"]);
    const topo = lab.topology;
    for (const e of v.tree) {
      expect(e.links.length, `${e.parent} ${e.child}`).toBe(1);
      const l = topo.links.find((x) => x.id === e.links[0])!;
      expect([l.a.node, l.b.node].sort()).toEqual([e.parent, e.child].sort());
    }
    expect(v.tree.find((e) => e.child === "vm2")).toEqual({
      parent: "vm1",
      child: "vm2",
      dist: 10,
      links: ["vm1-vm2"],
    });
  });

  it("puts broadcast networks on the tree by prefix, each edge on that network's link", async () => {
    const lab = seed("ospf\n  ospf: {network: broadcast}");
    lab.net.scheduler.runUntil(120 * SECOND); // the DR election waits 40 s
    const v = (await get(lab, "/api/nodes/vm1/ospf")).json() as OspfReply;
    const net = v.tree.find((e) => e.parent === "vm1")!;
    expect(net.child).toMatch(/^10\.0\.\d+\.0\/24$/);
    expect(net.links.length).toBe(1);
    expect(v.tree.some((e) => e.parent === net.child && e.links[0] === net.links[0])).toBe(true);
    expect(v.database).toContain("Net Link States (Area 0.0.0.0)");
  });

  it("is 404 for a router without OSPF, and for no such router", async () => {
    const lab = seed("rip");
    const res = await get(lab, "/api/nodes/vm1/ospf");
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ error: "vm1 runs no OSPF", field: "node" });
    const none = await app!.inject({ method: "GET", url: "/api/nodes/nope/ospf" });
    expect(none.statusCode).toBe(404);
  });
});
