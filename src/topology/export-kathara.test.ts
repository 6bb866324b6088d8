/**
 * The Kathará export (topology/export-kathara.ts): the files of the seed lab, names Kathará and
 * Megalos accept, and the round trip — exporting and importing the directory again
 * (topology/parse-kathara.ts) gives the same topology, interfaces renamed as the export says —
 * over the examples and generated topologies (the Zoo's in test/zoo-kubernetes.test.ts).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MS } from "../core/time.js";
import { arbExportTopology } from "./export-containerlab.testkit.js";
import { exportKathara, katharaInterfaceNames } from "./export-kathara.js";
import { katharaEssence, katharaRenamer, reimportKathara } from "./export-kathara.testkit.js";
import { loadTopologyText } from "./load.js";
import { parseEdges } from "./parse-edges.js";

const EXAMPLES = join(import.meta.dirname, "..", "..", "examples");
const load = (f: string) => loadTopologyText(readFileSync(join(EXAMPLES, f), "utf8"), f);

describe("exportKathara on the seed network", () => {
  const seed = load("seed.yaml");
  const exp = exportKathara(seed);

  it("writes lab.conf, and per device its startup, daemons, frr.conf and vtysh.conf", () => {
    const expected = ["lab.conf"];
    for (const n of seed.nodes)
      expected.push(
        `${n.name}.startup`,
        `${n.name}/etc/frr/daemons`,
        `${n.name}/etc/frr/frr.conf`,
        `${n.name}/etc/frr/vtysh.conf`,
      );
    expect([...exp.files.keys()]).toEqual(expected);
  });

  it("writes lab.conf in Kathará's grammar: images, then each link's collision domain", () => {
    const conf = exp.files.get("lab.conf")!;
    expect(conf).toContain('LAB_NAME="seed"\n');
    expect(conf).toContain('vm1[image]="kathara/frr"\n');
    expect(conf).toContain('vm1[0]="l0" # vm1-vm2: vm1:epair0a — vm2:epair0b, 10.0.10.0/24\nvm2[0]="l0"\n');
    // Every line is a comment, blank, LAB_*, or LabParser.py's one form (lines 44-45).
    const kathara = /^([a-z0-9_]{1,30})\[(\w+)\]=(["']?)([^"']+)\3(\s+#.*)?$/;
    for (const line of conf.split("\n"))
      if (line && !line.startsWith("#") && !line.startsWith("LAB_")) expect(line).toMatch(kathara);
  });

  it("sets addresses and the 1 ms link delay in the startup files, then starts FRR", () => {
    const s = exp.files.get("vm2.startup")!;
    expect(s).toContain("ip address add 10.0.10.2/24 dev eth0\n");
    expect(s).toContain("tc qdisc add dev eth0 root netem delay 1ms\n");
    expect(s.endsWith("systemctl start frr\n")).toBe(true);
  });

  it("configures FRR as the containerlab export does, on Kathará's interface names", () => {
    const conf = exp.files.get("vm1/etc/frr/frr.conf")!;
    expect(conf).toMatch(/^! Written for FRR 10\.5\.1/m);
    expect(conf).toContain(
      "interface eth0\n ip address 10.0.10.1/24\n ip rip split-horizon poisoned-reverse\n",
    );
    expect(conf).toContain(" network eth3\n");
    expect(exp.files.get("vm1/etc/frr/daemons")).toMatch(/^ripd=yes$/m);
  });

  it("loads back as the same network", () => {
    expect(katharaEssence(reimportKathara(exp))).toEqual(katharaEssence(seed, katharaRenamer(exp)));
    expect(exp.notes).toContain("node positions are not exported: lab.conf has no place for them");
  });
});

describe("exportKathara names and interfaces", () => {
  it("maps names to [a-z0-9] (Megalos drops '_'), keeps them in frr.conf's hostname, and loads them back", () => {
    const t = parseEdges("New_York Washington_DC\nNew_York shared\nNewYork New_York", "x.edges");
    const exp = exportKathara(t);
    expect(exp.nodeNames.get("New_York")).toBe("newyork");
    expect(exp.nodeNames.get("NewYork")).toMatch(/^newyork[0-9a-z]{4}$/);
    expect(exp.nodeNames.get("shared")).toMatch(/^shared[0-9a-z]{4}$/); // Kathará reserves `shared`
    expect(exp.files.get("lab.conf")).toContain("#   newyork = New_York\n");
    expect(exp.files.get("newyork/etc/frr/frr.conf")).toMatch(/^hostname New_York$/m);
    const back = reimportKathara(exp);
    expect(back.nodes.map((n) => n.name)).toEqual(t.nodes.map((n) => n.name));
    expect(katharaEssence(back)).toEqual({ ...katharaEssence(t, katharaRenamer(exp)), name: "x" });
  });

  it("numbers interfaces from eth0 in link order, keeping a node's names when they already are eth0…ethK", () => {
    const t = parseEdges("a b\na c", "y.edges");
    expect([...katharaInterfaceNames(t, "a")]).toEqual([
      ["epair0a", "eth0"],
      ["epair1a", "eth1"],
    ]);
    t.links[0]!.a.iface = "eth1";
    t.links[1]!.a.iface = "eth0";
    expect([...katharaInterfaceNames(t, "a")]).toEqual([
      ["eth1", "eth1"],
      ["eth0", "eth0"],
    ]);
  });

  it("writes delay, loss and rate as netem on both ends, and reads them back", () => {
    const t = parseEdges("a b", "z.edges");
    Object.assign(t.links[0]!, { delay: 2500 * 1000, loss: 0.125, bandwidth: 10_000_000 });
    const exp = exportKathara(t);
    expect(exp.files.get("a.startup")).toContain(
      "tc qdisc add dev eth0 root netem delay 2500us loss 12.5% rate 10000000bit\n",
    );
    expect(exp.files.get("b.startup")).toContain(
      "tc qdisc add dev eth0 root netem delay 2500us loss 12.5% rate 10000000bit\n",
    );
    expect(reimportKathara(exp).links[0]).toMatchObject({
      delay: 2.5 * MS,
      loss: 0.125,
      bandwidth: 10_000_000,
    });
  });
});

describe("every example through Kathará", () => {
  for (const f of [
    "seed.yaml",
    "seed-static.yaml",
    "triangle.yaml",
    "count-to-infinity.yaml",
    "seed.edges",
    "lan.yaml",
  ])
    it(`${f} exports and loads back the same`, () => {
      const t = load(f);
      const exp = exportKathara(t);
      expect(katharaEssence(reimportKathara(exp))).toEqual(katharaEssence(t, katharaRenamer(exp)));
    });
});

describe("Kathará export then import (property)", () => {
  it("gives the same topology back", () => {
    fc.assert(
      fc.property(arbExportTopology, (t) => {
        if (!t) return;
        const exp = exportKathara(t);
        expect(katharaEssence(reimportKathara(exp))).toEqual(katharaEssence(t, katharaRenamer(exp)));
      }),
      { numRuns: Number(process.env.RT_RUNS ?? 60), seed: process.env.RT_RUNS ? undefined : 24 },
    );
  });
});

describe("segments through Kathará", () => {
  it("a segment is one collision domain with every station; hosts are kathara/base devices with forwarding off, and come back as hosts", () => {
    const t = load("lan.yaml");
    const exp = exportKathara(t);
    const conf = exp.files.get("lab.conf")!;
    expect(conf).toContain('r1[1]="lan1"\nr2[0]="lan1"\nr3[1]="lan1"\nh1[0]="lan1"\nh2[0]="lan1"\n');
    // Kathará starts every device with net.ipv4.ip_forward=1; a host turns it off and runs no FRR.
    expect(conf).toContain(
      'h1[image]="kathara/base"\nh1[sysctl]="net.ipv4.ip_forward=0" # a host: forwarding off\n',
    );
    expect(conf).toContain('r1[image]="kathara/frr"\nr2[image]');
    expect([...exp.files.keys()].filter((f) => f.startsWith("h1"))).toEqual(["h1.startup"]);
    expect(exp.files.get("h1.startup")).toBe(
      "# h1 (routelab: h1): addresses, link delay/loss/rate, then its routes (a host: no FRR).\n" +
        "ip address add 10.0.1.4/24 dev eth0\ntc qdisc add dev eth0 root netem delay 1ms\nip route add default via 10.0.1.1\n",
    );
    const back = reimportKathara(exp);
    expect(back.segments!.map((x) => `${x.id} ${x.ends.map((e) => e.node).join(" ")}`)).toEqual([
      "lan1 r1 r2 r3 h1 h2",
      "lan2 r2 h3 h4",
    ]);
    const kinds = (x: typeof t) => x.nodes.map((n) => [n.name, n.kind ?? "router", n.gateway, n.routing]);
    expect(kinds(back)).toEqual(kinds(t));
  });
});
