import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LabError } from "../core/errors.js";
import { formatIpv4 } from "../core/ip.js";
import { MS } from "../core/time.js";
import { parseGraphml, routerNames, sanitize } from "./graphml.js";

const KEYS = `<key attr.name="label" attr.type="string" for="node" id="d0"/>
  <key attr.name="Latitude" attr.type="double" for="node" id="d1"/>
  <key attr.name="Longitude" attr.type="double" for="node" id="d2"/>
  <key attr.name="label" attr.type="string" for="graph" id="d3"/>`;

function doc(body: string, keys = KEYS): string {
  return `<?xml version="1.0" encoding="utf-8"?>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns">
  ${keys}
  <graph edgedefault="undirected">
${body}
  </graph>
</graphml>`;
}

function node(id: string, label?: string, lat?: number, lon?: number): string {
  let s = `<node id="${id}">`;
  if (label !== undefined) s += `<data key="d0">${label}</data>`;
  if (lat !== undefined) s += `<data key="d1">${lat}</data><data key="d2">${lon}</data>`;
  return `${s}</node>`;
}

function refusal(text: string): LabError {
  try {
    parseGraphml(text, "bad.graphml");
  } catch (e) {
    expect(e).toBeInstanceOf(LabError);
    return e as LabError;
  }
  throw new Error("expected a refusal");
}

describe("parseGraphml", () => {
  it("turns nodes into RIP routers and edges into addressed /24 links", () => {
    const t = parseGraphml(
      doc(
        `<data key="d3">Tiny</data>
        ${node("0", "New York", 40.71, -74.0)}${node("1", "Chicago", 41.88, -87.63)}${node("2", "Denver", 39.74, -104.99)}
        <edge source="0" target="1"/><edge source="1" target="2"/>`,
      ),
      "tiny.graphml",
    );
    expect(t.name).toBe("Tiny");
    expect(t.source).toBe("tiny.graphml");
    expect(t.nodes.map((n) => n.name)).toEqual(["New_York", "Chicago", "Denver"]);
    expect(t.nodes.every((n) => n.routing === "rip" && n.statics.length === 0)).toBe(true);
    expect(t.nodes[1]!.position).toEqual({ x: -876.3, y: -418.8 });
    expect(t.links.map((l) => l.id)).toEqual(["New_York-Chicago", "Chicago-Denver"]);
    const l1 = t.links[1]!;
    expect([formatIpv4(l1.subnet), l1.len, formatIpv4(l1.a.addr), formatIpv4(l1.b.addr)]).toEqual([
      "10.0.1.0",
      24,
      "10.0.1.1",
      "10.0.1.2",
    ]);
    expect([l1.a.node, l1.a.iface, l1.b.node, l1.b.iface]).toEqual([
      "Chicago",
      "epair1a",
      "Denver",
      "epair1b",
    ]);
    // New York–Chicago is about 1,145 km: 5.7 ms in fibre.
    expect(t.links[0]!.delay).toBeGreaterThan(5.5 * MS);
    expect(t.links[0]!.delay).toBeLessThan(6 * MS);
    expect(t.rip.update).toBe(30_000_000_000);
  });

  it("names unnamed nodes n<id>, numbers duplicate labels, and keeps names valid", () => {
    const t = parseGraphml(
      doc(`${node("7")}${node("1", "Paris")}${node("2", "Paris")}${node("3", "Paris-2")}${node("4", "Zürich")}${node("5", "1 Main St.")}
        <edge source="7" target="1"/><edge source="1" target="2"/><edge source="2" target="3"/><edge source="3" target="4"/><edge source="4" target="5"/>`),
      "x.graphml",
    );
    // "Paris-2" is some node's own label, so the second Paris becomes Paris-3.
    expect(t.nodes.map((n) => n.name)).toEqual(["n7", "Paris", "Paris-3", "Paris-2", "Zurich", "n1_Main_St"]);
    expect(t.notes.join("\n")).toMatch(/1 unnamed node/);
    expect(t.nodes[2]!.notes).toEqual(['GraphML node 2, label "Paris"']);
  });

  it("keeps parallel edges as parallel links, skips self-loops, keeps isolated nodes", () => {
    const t = parseGraphml(
      doc(`${node("0", "A")}${node("1", "B")}${node("2", "C")}
        <edge source="0" target="1"/><edge source="1" target="0"/><edge source="0" target="0"/><edge source="0" target="1"/>`),
      "m.graphml",
    );
    expect(t.links.map((l) => l.id)).toEqual(["A-B", "B-A#2", "A-B#3"]);
    expect(t.links.map((l) => formatIpv4(l.subnet))).toEqual(["10.0.0.0", "10.0.1.0", "10.0.2.0"]);
    expect(t.nodes.map((n) => n.name)).toEqual(["A", "B", "C"]);
    const notes = t.notes.join("\n");
    expect(notes).toMatch(/self-loop on A skipped/);
    expect(notes).toMatch(/1 isolated node\(s\) kept without links: C/);
    expect(notes).toMatch(/parallel links/);
  });

  it("places nodes without coordinates beside their neighbours", () => {
    const t = parseGraphml(
      doc(`${node("0", "A", 10, 20)}${node("1", "B")}${node("2", "C")}${node("3", "D")}
        <edge source="0" target="1"/><edge source="1" target="2"/>`),
      "p.graphml",
    );
    const [a, b, c, d] = t.nodes.map((n) => n.position!);
    expect(a).toEqual({ x: 200, y: -100 });
    expect(Math.hypot(b!.x - a!.x, b!.y - a!.y)).toBeCloseTo(3, 1);
    expect(Math.hypot(c!.x - b!.x, c!.y - b!.y)).toBeCloseTo(3, 1);
    expect(d!.y).toBeGreaterThan(a!.y); // the unreachable one sits below the map
    expect(t.nodes[1]!.notes).toContain("no Latitude/Longitude: placed beside its neighbours");
    expect(t.links[0]!.delay).toBe(1 * MS);
  });

  it('reads attr.type="integer" (Psnc, Uninett) as int', () => {
    const keys = `${KEYS}<key attr.name="Internal" attr.type="integer" for="node" id="d9"/>`;
    const t = parseGraphml(
      doc(`<node id="0"><data key="d0">A</data><data key="d9">1</data></node>`, keys),
      "i.graphml",
    );
    expect(t.nodes.map((n) => n.name)).toEqual(["A"]);
    expect(t.notes[0]).toBe('attr.type "integer" read as "int"');
  });

  it("gives the same result for the same text", () => {
    const text = doc(
      `${node("0", "A")}${node("1", "A")}${node("2")}<edge source="0" target="1"/><edge source="2" target="1"/>`,
    );
    expect(parseGraphml(text, "d.graphml")).toEqual(parseGraphml(text, "d.graphml"));
  });
});

describe("parseGraphml refusals name the file and what is wrong", () => {
  it("malformed XML, with a line", () => {
    const e = refusal(doc(`${node("0", "A")}\n<node id="1"><data key="d0">B</node>`));
    expect(e.format()).toMatch(
      /^bad\.graphml:9:\d+: not well-formed XML: the element starting here has no end tag$/,
    );
    expect(refusal(doc(`<node id="0"><data key="d0">&bogus;</data></node>`)).message).toMatch(
      /entity not found/,
    );
    expect(refusal("routers: []").message).toMatch(/no <graphml> element/);
  });
  it("not GraphML", () => {
    expect(refusal(`<?xml version="1.0"?><svg></svg>`).format()).toMatch(
      /^bad\.graphml.*root element is <svg>, not <graphml>/,
    );
    expect(refusal(`<graphml></graphml>`).message).toBe("no <graph> element");
    expect(refusal("").message).toMatch(/not well-formed XML|no <graphml>/);
  });
  it("an edge to a missing node, with its line", () => {
    const e = refusal(doc(`${node("0", "A")}\n<edge source="0" target="9"/>`));
    expect(e.format()).toMatch(/^bad\.graphml:\d+:\d+: target: edge target "9" is not a node of the graph$/);
    const text = doc(`${node("0", "A")}\n<edge source="0" target="9"/>`);
    expect(e.pos.line).toBe(text.split("\n").findIndex((l) => l.includes("<edge")) + 1);
  });
  it("duplicate and missing node ids", () => {
    expect(refusal(doc(`${node("0", "A")}${node("0", "B")}`)).message).toBe('node id "0" is used twice');
    expect(refusal(doc(`<node><data key="d0">A</data></node>`)).pos.field).toBe("id");
  });
  it("no nodes, hyperedges, nested graphs", () => {
    expect(refusal(doc("")).message).toBe("the graph has no nodes");
    expect(refusal(doc(`${node("0", "A")}<hyperedge><endpoint node="0"/></hyperedge>`)).message).toBe(
      "hyperedges are not supported",
    );
    expect(refusal(doc(`<node id="0"><graph edgedefault="undirected"/></node>`)).message).toMatch(
      /second <graph>/,
    );
  });
});

describe("router names", () => {
  it("sanitize always yields a valid name or nothing", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 60 }), (s) => {
        const n = sanitize(s);
        expect(n === "" || /^[A-Za-z][A-Za-z0-9_-]{0,31}$/.test(n)).toBe(true);
      }),
    );
  });
  it("routerNames yields unique valid names for any labels", () => {
    fc.assert(
      fc.property(
        fc.array(fc.option(fc.constantFrom("a", "A", "a-2", "x y", "", "Ωmega", "9", "a".repeat(40))), {
          maxLength: 30,
        }),
        (labels) => {
          const ids = labels.map((_, i) => String(i));
          const names = routerNames(ids, (id) => labels[Number(id)] ?? undefined);
          expect(new Set(names).size).toBe(names.length);
          for (const n of names) expect(n).toMatch(/^[A-Za-z][A-Za-z0-9_-]{0,31}$/);
        },
      ),
    );
  });
});
