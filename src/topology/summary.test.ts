/** The `routelab check` summary. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseEdges } from "./parse-edges.js";
import { parseRoutelabYaml } from "./parse-yaml.js";
import { summarizeTopology } from "./summary.js";

const EXAMPLES = join(import.meta.dirname, "..", "..", "examples");

describe("summarizeTopology", () => {
  it("shows the seed network on one screen", () => {
    const t = parseRoutelabYaml(readFileSync(join(EXAMPLES, "seed.yaml"), "utf8"), "examples/seed.yaml");
    expect(summarizeTopology(t)).toBe(`topology seed (examples/seed.yaml): 9 nodes, 9 links
nodes: vm1 vm2 vm3 vm4 vm5 vm6 vm7 vm8 vm9
routing: rip on all; 0 static routes
rip: update 30s, timeout 3m, garbage 2m, triggered 1s–5s, split horizon poisoned
links: delay 1ms, bandwidth unlimited, loss 0%, queue 100

link     a end        address    b end        address    subnet
vm1-vm2  vm1:epair0a  10.0.10.1  vm2:epair0b  10.0.10.2  10.0.10.0/24
vm1-vm3  vm1:epair1a  10.0.20.1  vm3:epair1b  10.0.20.2  10.0.20.0/24
vm2-vm3  vm2:epair2a  10.0.30.1  vm3:epair2b  10.0.30.2  10.0.30.0/24
vm1-vm4  vm1:epair3a  10.0.40.1  vm4:epair3b  10.0.40.2  10.0.40.0/24
vm1-vm5  vm1:epair4a  10.0.50.1  vm5:epair4b  10.0.50.2  10.0.50.0/24
vm2-vm6  vm2:epair5a  10.0.60.1  vm6:epair5b  10.0.60.2  10.0.60.0/24
vm2-vm7  vm2:epair6a  10.0.70.1  vm7:epair6b  10.0.70.2  10.0.70.0/24
vm3-vm8  vm3:epair7a  10.0.80.1  vm8:epair7b  10.0.80.2  10.0.80.0/24
vm3-vm9  vm3:epair8a  10.0.90.1  vm9:epair8b  10.0.90.2  10.0.90.0/24
`);
  });

  it("shows mixed routing, per-node RIP settings and per-link properties", () => {
    const t = parseRoutelabYaml(
      `name: mix
nodes:
  a: {routing: static, static: ["default via 10.0.0.2"]}
  b: {rip: {update: 5s}}
links:
  - {endpoints: [a, b], bandwidth: 10Mbit, loss: 1%}
  - {endpoints: [a, b], delay: 20ms}
`,
      "mix.yaml",
    );
    const s = summarizeTopology(t);
    expect(s).toContain("routing: rip on 1, static on a; 1 static route\n");
    expect(s).toContain("  b: update 5s\n");
    expect(s).toContain(
      "a-b    a:epair0a  10.0.0.1  b:epair0b  10.0.0.2  10.0.0.0/24  delay 1ms, bandwidth 10Mbit/s, loss 1%, queue 100\n",
    );
    expect(s).toContain(
      "a-b#2  a:epair1a  10.0.1.1  b:epair1b  10.0.1.2  10.0.1.0/24  delay 20ms, bandwidth unlimited, loss 0%, queue 100\n",
    );
  });

  it("stays on one screen for big networks", () => {
    const text = Array.from({ length: 500 }, (_, i) => `r${i} r${i + 1}`).join("\n");
    const s = summarizeTopology(parseEdges(text, "chain.edges"));
    const lines = s.trimEnd().split("\n");
    expect(lines.length).toBeLessThanOrEqual(50);
    expect(lines[0]).toBe("topology chain (chain.edges): 501 nodes, 500 links");
    expect(lines[1]).toMatch(/^nodes: r0 r1 .* r23 … and 477 more$/);
    expect(lines[lines.length - 1]).toBe("… and 461 more links");
  });
});
