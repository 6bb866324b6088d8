/** The examples in docs/topologies.md load, so the documentation cannot drift from the parser. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseEdges } from "./parse-edges.js";
import { parseRoutelabYaml } from "./parse-yaml.js";

const DOC = readFileSync(join(import.meta.dirname, "..", "..", "docs", "topologies.md"), "utf8");

describe("docs/topologies.md", () => {
  it("its YAML example loads as documented", () => {
    const yaml = /```yaml\n([\s\S]*?)```/.exec(DOC)![1]!;
    const t = parseRoutelabYaml(yaml, "doc.yaml");
    expect(t.links.map((l) => `${l.a.iface} ${l.b.iface}`)).toEqual([
      "epair0a epair0b",
      "epair1a epair1b",
      "em0 epair2b",
    ]);
    expect(t.nodes[2]!.statics.length).toBe(2);
    expect(t.nodes[2]!.notes).toEqual(["rip settings unused: this node's routing is static"]);
  });
  it("its edge-list example loads", () => {
    const edges = /```\n(# comment[\s\S]*?)```/.exec(DOC)![1]!;
    expect(parseEdges(edges, "doc.edges").links.length).toBe(2);
  });
});
