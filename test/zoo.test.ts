/**
 * Every network of the Internet Topology Zoo (../shared/topologies/zoo, CC BY 4.0) loads through
 * the GraphML importer, or is refused with a clear reason: the promise, checked on all 276.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LabError } from "../src/core/errors.js";
import { parseGraphml } from "../src/topology/graphml.js";
import type { Topology } from "../src/topology/model.js";

const TARBALL = join(import.meta.dirname, "..", "..", "shared", "topologies", "zoo", "graphml.tar.gz");
const NAME = /^[A-Za-z][A-Za-z0-9_-]{0,31}$/;

describe("Internet Topology Zoo", () => {
  let dir = "";
  const loaded = new Map<string, Topology>();
  const refused = new Map<string, string>();

  beforeAll(() => {
    if (!existsSync(TARBALL)) throw new Error(`missing ${TARBALL}`);
    dir = mkdtempSync(join(tmpdir(), "routelab-zoo-"));
    execFileSync("tar", ["xzf", TARBALL, "-C", dir]);
    const files = readdirSync(join(dir, "graphml")).filter((f) => f.endsWith(".graphml"));
    for (const f of files.sort()) {
      try {
        loaded.set(f, parseGraphml(readFileSync(join(dir, "graphml", f), "utf8"), f));
      } catch (e) {
        if (!(e instanceof LabError)) throw e; // anything else is a crash, not a refusal
        refused.set(f, e.format());
      }
    }
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("loads all 276 networks; none is refused", () => {
    expect(loaded.size + refused.size).toBe(276);
    expect(Object.fromEntries(refused)).toEqual({});
    expect(loaded.size).toBe(276);
  });

  it("keeps every node and every edge but the two self-loops (10,952 nodes, 13,976 edges in all)", () => {
    let nodes = 0;
    let links = 0;
    for (const t of loaded.values()) {
      nodes += t.nodes.length;
      links += t.links.length;
    }
    expect(nodes).toBe(10_952);
    expect(links).toBe(13_976 - 2); // Interoute has two self-loops
    expect(loaded.get("Interoute.graphml")!.notes.some((n) => n.startsWith("self-loop"))).toBe(true);
    const kdl = loaded.get("Kdl.graphml")!;
    expect([kdl.nodes.length, kdl.links.length]).toEqual([754, 899]);
    const abilene = loaded.get("Abilene.graphml")!;
    expect([abilene.nodes.length, abilene.links.length]).toEqual([11, 14]);
  });

  it("gives valid, unique router names, unique link ids and addresses", () => {
    for (const [f, t] of loaded) {
      const names = t.nodes.map((n) => n.name);
      expect(new Set(names).size, f).toBe(names.length);
      for (const n of names) expect(n, f).toMatch(NAME);
      expect(new Set(t.links.map((l) => l.id)).size, f).toBe(t.links.length);
      const addrs = t.links.flatMap((l) => [l.a.addr, l.b.addr]);
      expect(new Set(addrs).size, f).toBe(addrs.length);
      const byName = new Set(names);
      for (const l of t.links) expect(byName.has(l.a.node) && byName.has(l.b.node), f).toBe(true);
    }
  });

  it("reads the two integer-typed files and keeps multigraphs' parallel links", () => {
    for (const f of ["Psnc.graphml", "Uninett.graphml"])
      expect(loaded.get(f)!.notes, f).toContain('attr.type "integer" read as "int"');
    const multi = [...loaded.values()].filter((t) => t.links.some((l) => l.id.includes("#")));
    expect(multi.length).toBeGreaterThanOrEqual(90); // 96 files have parallel edges; a few only as self-loops or A-B/B-A
  });

  it("positions every node of a network that has coordinates", () => {
    for (const [f, t] of loaded) {
      const placed = t.nodes.filter((n) => n.position).length;
      expect(placed === 0 || placed === t.nodes.length, f).toBe(true);
    }
  });
});
