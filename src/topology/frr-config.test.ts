import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { frrConf, protocolDaemonConf, zebraConf } from "./frr-config.js";

/** The ripd.conf the netns engine writes for a node (null: a static node, no daemon). */
function ripdConf(t: Parameters<typeof protocolDaemonConf>[0], node: string): string | null {
  const c = protocolDaemonConf(t, node);
  if (c) expect(c.daemon).toBe("ripd");
  return c?.text ?? null;
}
import { loadTopologyText } from "./index.js";

const seed = loadTopologyText(readFileSync("examples/seed.yaml", "utf8"), "seed.yaml");
const statics = loadTopologyText(readFileSync("examples/seed-static.yaml", "utf8"), "seed-static.yaml");

describe("FRR configs from a topology", () => {
  it("ripd.conf: RIPv2, the topology's timers, split horizon per interface, a network per interface", () => {
    expect(ripdConf(seed, "vm4")).toBe(
      "hostname vm4\ninterface epair3b\n ip rip split-horizon poisoned-reverse\n ip rip send version 2\n" +
        " ip rip receive version 2\nexit\nrouter rip\n version 2\n timers basic 30 180 120\n network epair3b\nexit\n",
    );
    const c = ripdConf(seed, "vm1")!;
    for (const i of ["epair0a", "epair1a", "epair3a", "epair4a"]) expect(c).toContain(` network ${i}\n`);
  });

  it("split horizon off and simple map to FRR's words; timers are whole seconds, 5 at least", () => {
    const t = structuredClone(seed);
    t.rip = { ...t.rip, splitHorizon: "off", update: 2e9 };
    expect(ripdConf(t, "vm4")).toContain(" no ip rip split-horizon\n");
    expect(ripdConf(t, "vm4")).toContain(" timers basic 5 180 120\n");
    t.rip.splitHorizon = "simple";
    expect(ripdConf(t, "vm4")).toContain(" ip rip split-horizon\n");
  });

  it("version 1 (the seed's routed without -P ripv2): `version 1`, sending version 1, taking both", () => {
    const t = loadTopologyText(
      readFileSync("examples/seed.yaml", "utf8").replace(/version: 2 .*/, "version: 1"),
      "seed-v1.yaml",
    );
    expect(t.rip.version).toBe(1);
    const c = ripdConf(t, "vm4")!;
    expect(c).toContain(" ip rip send version 1\n ip rip receive version 1 2\n");
    expect(c).toContain("router rip\n version 1\n");
    expect(frrConf(t, "vm4")).toContain(" ip rip send version 1\n");
  });

  it("static nodes get no ripd, but ip route lines in frr.conf", () => {
    const n = statics.nodes.find((x) => x.routing === "static" && x.statics.length > 0)!;
    expect(ripdConf(statics, n.name)).toBeNull();
    expect(frrConf(statics, n.name)).toMatch(/^ip route \d+\.\d+\.\d+\.\d+\/\d+ \d+\.\d+\.\d+\.\d+$/m);
    expect(zebraConf(seed, "vm1")).toContain("hostname vm1\n");
    expect(frrConf(seed, "vm1")).toContain("interface epair0a\n ip address 10.0.10.1/24\n");
  });
});
