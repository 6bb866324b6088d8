/** Format dispatch by file name and, without a known ending, by content. */
import { describe, expect, it } from "vitest";
import { loadTopologyText, registerTopologyFormat, topologyExtensions } from "./load.js";
import { faults } from "./test-util.js";

describe("loadTopologyText", () => {
  it("picks the format from the file name", () => {
    expect(loadTopologyText("a b 10.0.0.0/24\n", "x.edges").links.length).toBe(1);
    expect(loadTopologyText("nodes: {a: , b: }\nlinks: [{endpoints: [a, b]}]\n", "x.yml").links.length).toBe(
      1,
    );
    expect(
      loadTopologyText("topology:\n  nodes: {a: , b: }\n  links: [{endpoints: [a:e1, b:e1]}]\n", "X.CLAB.YML")
        .name,
    ).toBe("X");
  });
  it("sniffs standard input and unknown endings", () => {
    expect(loadTopologyText("# list\na b 10.0.0.0/24\nb c\n", "-").links.length).toBe(2);
    expect(loadTopologyText("nodes:\n  a:\n", "-").nodes.length).toBe(1);
    expect(loadTopologyText("topology:\n  nodes: {a: }\n", "lab.txt").nodes.length).toBe(1);
    expect(faults(() => loadTopologyText("", "empty.txt"))).toEqual([
      `empty.txt: cannot tell the topology format of this file: name it ${topologyExtensions().join(", ")}`,
    ]);
  });
  it("takes GraphML by name and by content", () => {
    const xml = `<?xml version="1.0"?>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns">
  <graph edgedefault="undirected"><node id="0"/><node id="1"/><edge source="0" target="1"/></graph>
</graphml>
`;
    expect(loadTopologyText(xml, "g.graphml").links.length).toBe(1);
    expect(loadTopologyText(xml, "-").links.length).toBe(1);
  });
  it("lets a new format register itself", () => {
    registerTopologyFormat({
      name: "test",
      extensions: [".testtopo"],
      parse: (_text, fileName) => ({
        name: fileName,
        nodes: [],
        links: [],
        rip: {} as never,
        notes: ["from test"],
      }),
    });
    expect(loadTopologyText("", "a.testtopo").notes).toEqual(["from test"]);
    expect(topologyExtensions()).toContain(".testtopo");
  });
});
