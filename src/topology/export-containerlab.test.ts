/**
 * The containerlab export: what the files say, that containerlab's JSON Schema accepts the
 * topology file, and that importing the export (topology/parse-containerlab with the exported
 * frr.conf files) gives the same topology back — over the examples and generated topologies.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { clabSchemaErrors } from "../../test/clab-schema.js";
import { SECOND } from "../core/time.js";
import {
  type ContainerlabExport,
  containerlabInterfaceNames,
  exportContainerlab,
  FRR_IMAGE,
  FRR_RELEASE,
} from "./export-containerlab.js";
import { nodeInterfaces, nodeRipSettings } from "./frr-config.js";
import { arbExportTopology } from "./export-containerlab.testkit.js";
import { loadTopologyText } from "./load.js";
import type { Topology } from "./model.js";
import { parseEdges } from "./parse-edges.js";

const EXAMPLES = join(import.meta.dirname, "..", "..", "examples");

function load(f: string): Topology {
  const dir = join(EXAMPLES, f, "..");
  return loadTopologyText(readFileSync(join(EXAMPLES, f), "utf8"), f, {
    readFile: (rel) => {
      try {
        return readFileSync(join(dir, rel), "utf8");
      } catch {
        return undefined;
      }
    },
  });
}

/** Imports an export from its files, as `routelab check DIR/NAME.clab.yml` would. */
function reimport(exp: ContainerlabExport): Topology {
  return loadTopologyText(exp.files.get(exp.topologyFile)!, `out/${exp.topologyFile}`, {
    readFile: (rel) => exp.files.get(rel),
  });
}

/**
 * What an export promises to keep, with interface names as containerlab has them: names,
 * routing, static routes, positions, links with their addresses and subnets, and every RIP
 * router's effective RIP settings (timers, split horizon; a router without interfaces has no
 * interface to carry a split-horizon mode).
 */
function essence(t: Topology, rename: (node: string, iface: string) => string = (_n, i) => i) {
  return {
    name: t.name,
    nodes: t.nodes.map((n) => {
      const rip = n.routing === "rip" ? nodeRipSettings(t, n) : undefined;
      const hasIfs = nodeInterfaces(t, n.name).length > 0;
      return {
        name: n.name,
        kind: n.kind,
        gateway: n.gateway,
        routing: n.routing,
        statics: n.statics,
        position: n.position,
        rip: rip && {
          update: rip.update,
          timeout: rip.timeout,
          garbage: rip.garbage,
          splitHorizon: hasIfs ? rip.splitHorizon : undefined,
        },
      };
    }),
    links: t.links.map((l) => ({
      id: l.id,
      a: { ...l.a, iface: rename(l.a.node, l.a.iface) },
      b: { ...l.b, iface: rename(l.b.node, l.b.iface) },
      subnet: l.subnet,
      len: l.len,
    })),
    segments: t.segments?.map((x) => ({
      id: x.id,
      ends: x.ends.map((e) => ({ ...e, iface: rename(e.node, e.iface) })),
      subnet: x.subnet,
      len: x.len,
      position: x.position,
    })),
  };
}

function renamer(exp: ContainerlabExport) {
  return (node: string, iface: string) => exp.interfaces.get(node)!.get(iface)!;
}

describe("exportContainerlab on the seed network", () => {
  const seed = load("seed.yaml");
  const exp = exportContainerlab(seed);

  it("writes NAME.clab.yml and frr.conf + daemons per router, and netem.sh for the 1 ms links", () => {
    const expected = ["seed.clab.yml"];
    for (const n of seed.nodes) expected.push(`${n.name}/frr.conf`, `${n.name}/daemons`);
    expected.push("netem.sh");
    expect([...exp.files.keys()]).toEqual(expected);
  });

  it("writes a topology file that containerlab's schema accepts", () => {
    expect(clabSchemaErrors(exp.files.get("seed.clab.yml")!)).toEqual([]);
  });

  it("binds each node's files into /etc/frr as containerlab's FRR example does", () => {
    const y = exp.files.get("seed.clab.yml")!;
    expect(y).toMatch(/^ {2}defaults:\n {4}kind: linux\n {4}image: "quay\.io\/frrouting\/frr:10\.5\.1"$/m);
    expect(y).toContain(
      "      binds:\n        - vm1/daemons:/etc/frr/daemons\n        - vm1/frr.conf:/etc/frr/frr.conf\n",
    );
    expect(FRR_IMAGE).toMatch(/:\d+\.\d+\.\d+$/); // pinned, never `latest`
  });

  it("maps interfaces to eth1… in link order and writes the mapping as comments", () => {
    expect([...exp.interfaces.get("vm1")!]).toEqual([
      ["epair0a", "eth1"],
      ["epair1a", "eth2"],
      ["epair3a", "eth3"],
      ["epair4a", "eth4"],
    ]);
    const y = exp.files.get("seed.clab.yml")!;
    expect(y).toContain("    vm1: # eth1 = epair0a, eth2 = epair1a, eth3 = epair3a, eth4 = epair4a\n");
    expect(y).toContain(
      '    - endpoints: ["vm2:eth2", "vm3:eth2"] # vm2:epair2a — vm3:epair2b, 10.0.30.0/24\n',
    );
    const conf = exp.files.get("vm1/frr.conf")!;
    expect(conf).toContain("!   eth1 = epair0a (to vm2:epair0b)\n");
    expect(conf).toContain("!   eth4 = epair4a (to vm5:epair4b)\n");
  });

  it("configures addresses and RIP as the netns engine does: version 2, timers, split horizon, networks", () => {
    const conf = exp.files.get("vm2/frr.conf")!;
    expect(conf).toContain(
      "interface eth1\n ip address 10.0.10.2/24\n ip rip split-horizon poisoned-reverse\n ip rip send version 2\n ip rip receive version 2\nexit\n",
    );
    expect(conf).toContain(
      "router rip\n version 2\n timers basic 30 180 120\n network eth1\n network eth2\n network eth3\n network eth4\nexit\n",
    );
    expect(conf).toMatch(/^hostname vm2$/m);
    expect(conf).toMatch(/^ip forwarding$/m);
    expect(conf).not.toMatch(/^ip route /m);
  });

  it("says which FRR release each frr.conf is written for: the pinned image's", () => {
    for (const n of seed.nodes)
      expect(exp.files.get(`${n.name}/frr.conf`)).toContain(
        `! Written for FRR ${FRR_RELEASE} (the image ${FRR_IMAGE}); also read by FRR 8.4 and later.\n`,
      );
    expect(FRR_IMAGE.endsWith(`:${FRR_RELEASE}`)).toBe(true);
  });

  it("enables zebra and ripd in daemons, not staticd (no static routes)", () => {
    const d = exp.files.get("vm1/daemons")!;
    expect(d).toMatch(/^zebra=yes$/m);
    expect(d).toMatch(/^ripd=yes$/m);
    expect(d).toMatch(/^staticd=no$/m);
    expect(d).toMatch(/^ospfd=no$/m);
    expect(d).toMatch(/^vtysh_enable=yes$/m);
  });

  it("puts link delay into netem.sh, both ends of each link", () => {
    const s = exp.files.get("netem.sh")!;
    expect(s).toContain('containerlab tools netem set -n "$PREFIX-vm2" -i eth2 --delay 1ms\n');
    expect(s).toContain('containerlab tools netem set -n "$PREFIX-vm3" -i eth2 --delay 1ms\n');
    expect(s.match(/^containerlab tools netem set/gm)).toHaveLength(18);
  });

  it("says what it could not carry", () => {
    expect(exp.notes.join("\n")).toMatch(/netem\.sh/);
    expect(exp.notes.join("\n")).toMatch(/interfaces renamed to eth1/);
    expect(exp.notes.join("\n")).toMatch(/triggered updates/);
  });

  it("loads back as the same network, interfaces renamed", () => {
    const back = reimport(exp);
    expect(essence(back)).toEqual(essence(seed, renamer(exp)));
    // Nothing of our own frr.conf is reported as unreadable.
    for (const n of back.nodes) expect(n.notes?.join("\n") ?? "").not.toMatch(/not simulated/);
  });
});

describe("exportContainerlab on other topologies", () => {
  it("shapes a segment's ports in netem.sh: each station's interface and the bridge's own port", () => {
    // The simulator cables every station to the switch with the segment's delay (sim/bridge.ts),
    // and the netns engine shapes both the station's end and the bridge port: so does the export,
    // the bridge's side with plain tc on the Docker host (a containerlab bridge is the host's).
    const t = load("lan.yaml");
    const exp = exportContainerlab(t);
    const s = exp.files.get("netem.sh")!;
    expect(s).toContain("# segment lan1: r1:epair0a, r2:epair0a, r3:epair0a, h1:epair0a, h2:epair0a\n");
    expect(s).toContain('containerlab tools netem set -n "$PREFIX-h1" -i eth1 --delay 1ms\n');
    expect(s).toContain("tc qdisc replace dev lan1-3 root netem delay 1ms\n");
    // Five stations on lan1, three on lan2: one line per station and one per bridge port.
    expect(s.match(/^tc qdisc replace dev lan[12]-\d root netem/gm)).toHaveLength(8);
    expect(exp.notes.join("\n")).not.toMatch(/segment delay, loss and rate are not exported/);
    expect(exp.notes.join("\n")).toMatch(/the bridge ports with tc on the Docker host/);
  });

  it("static routers run zebra and staticd, no ripd, with ip route lines", () => {
    const t = load("seed-static.yaml");
    const exp = exportContainerlab(t);
    const d = exp.files.get("vm4/daemons")!;
    expect(d).toMatch(/^ripd=no$/m);
    expect(d).toMatch(/^staticd=yes$/m);
    const conf = exp.files.get("vm4/frr.conf")!;
    expect(conf).toContain("ip route 0.0.0.0/0 10.0.40.1\n");
    expect(conf).not.toMatch(/router rip|ip rip/);
    expect(exp.files.get("vm1/frr.conf")).toContain("ip route 10.0.30.0/24 10.0.10.2\n");
    expect(clabSchemaErrors(exp.files.get(exp.topologyFile)!)).toEqual([]);
    expect(essence(reimport(exp))).toEqual(essence(t, renamer(exp)));
  });

  it("keeps containerlab's own eth names (frr01 example), loading back unchanged", () => {
    const t = load("containerlab/frr01.clab.yml");
    const exp = exportContainerlab(t);
    for (const [, m] of exp.interfaces) for (const [from, to] of m) expect(to).toBe(from);
    expect(exp.notes.join("\n")).not.toMatch(/renamed/);
    expect(clabSchemaErrors(exp.files.get(exp.topologyFile)!)).toEqual([]);
    expect(essence(reimport(exp))).toEqual(essence(t));
  });

  it("gives non-eth names the lowest free numbers, keeping ethN names", () => {
    const t = parseEdges("a b\na c\na d", "x.edges");
    t.links[0]!.a.iface = "eth2";
    t.links[2]!.a.iface = "eth9";
    expect([...containerlabInterfaceNames(t, "a")]).toEqual([
      ["eth2", "eth2"],
      ["epair1a", "eth1"],
      ["eth9", "eth9"],
    ]);
  });

  it("rounds RIP timers to FRR's whole seconds and says so", () => {
    const t = load("triangle.yaml");
    t.rip = { ...t.rip, update: 2500 * 1_000_000, timeout: 30 * SECOND };
    const exp = exportContainerlab(t);
    const conf = exp.files.get(`${t.nodes[0]!.name}/frr.conf`)!;
    expect(conf).toMatch(/^ timers basic 5 30 40$/m); // triangle.yaml's garbage: 40s
    expect(conf).toMatch(/^! RIP timers rounded/m);
    expect(exp.notes.join("\n")).toMatch(/rounded/);
  });

  it("gives Kubernetes names, keeping routelab's in a label, a comment and the hostname", () => {
    const t = parseEdges("New_York Washington_DC_Metro\nNew_York host", "My_Lab.edges");
    const exp = exportContainerlab(t);
    expect(exp.labName).toBe("my-lab");
    expect(exp.topologyFile).toBe("my-lab.clab.yml");
    const y = exp.files.get(exp.topologyFile)!;
    const dc = exp.nodeNames.get("Washington_DC_Metro")!;
    expect(dc).toMatch(/^washi-[0-9a-z]{4}$/); // washi-XXXX-eth1: 15 characters
    expect(exp.nodeNames.get("host")).toMatch(/^host-[0-9a-z]{4}$/); // containerlab's reserved name
    expect(y).toContain('name: "my-lab"\n');
    expect(y).toContain("    new-york: # New_York; eth1 = epair0a, eth2 = epair1a\n");
    expect(y).toContain('        routelab-name: "New_York"\n');
    expect(y).toContain(`#   ${dc} = Washington_DC_Metro\n`);
    expect(y).toContain(`        - ${dc}/frr.conf:/etc/frr/frr.conf\n`);
    expect(exp.files.get(`${dc}/frr.conf`)).toMatch(/^hostname Washington_DC_Metro$/m);
    expect(clabSchemaErrors(y)).toEqual([]);
    expect(exp.notes.join("\n")).toMatch(
      /names mapped to Kubernetes names \(lab My_Lab → my-lab, 3 node names\)/,
    );
    // Loading the export back restores routelab's names from the hostnames.
    const back = reimport(exp);
    expect(back.nodes.map((n) => n.name)).toEqual(["New_York", "Washington_DC_Metro", "host"]);
    expect(back.nodes[0]!.notes).toContain(
      "named New_York after its frr.conf hostname (new-york in the lab file)",
    );
    expect(essence(back)).toEqual({ ...essence(t, renamer(exp)), name: "my-lab" });
  });

  it("quotes node names that YAML 1.1 reads as booleans", () => {
    const t = parseEdges("yes no\nno off", "w.edges");
    const exp = exportContainerlab(t);
    const y = exp.files.get(exp.topologyFile)!;
    expect(y).toMatch(/^ {4}"yes":/m);
    expect(clabSchemaErrors(y)).toEqual([]);
    expect(reimport(exp).nodes.map((n) => n.name)).toEqual(["yes", "no", "off"]);
  });

  it("the schema check can fail: a broken endpoint and an unknown node key are caught", () => {
    const y = exportContainerlab(load("triangle.yaml")).files.get("triangle.clab.yml")!;
    expect(clabSchemaErrors(y.replace(/"(\w+):eth1"/, '"$1 eth1"')).length).toBeGreaterThan(0);
    expect(clabSchemaErrors(y.replace("      binds:", "      bindz:")).length).toBeGreaterThan(0);
  });
});

describe("every example", () => {
  const files = [
    // Topologies only: `npm start` (routelab up examples/seed.yaml) keeps its users file,
    // routelab-users.yaml, beside the topology, so a checkout that ran it has one here too.
    ...readdirSync(EXAMPLES).filter((f) => /\.(ya?ml|edges)$/.test(f) && f !== "routelab-users.yaml"),
    ...readdirSync(join(EXAMPLES, "containerlab"))
      .filter((f) => f.endsWith(".clab.yml"))
      .map((f) => `containerlab/${f}`),
    ...readdirSync(join(EXAMPLES, "lessons"))
      .filter((f) => f.endsWith(".yaml"))
      .map((f) => `lessons/${f}`),
  ];
  it("finds the examples", () => expect(files.length).toBeGreaterThan(6));
  for (const f of files)
    it(`${f} exports schema-valid and loads back the same`, () => {
      const t = load(f);
      const exp = exportContainerlab(t);
      expect(clabSchemaErrors(exp.files.get(exp.topologyFile)!)).toEqual([]);
      expect(essence(reimport(exp))).toEqual(essence(t, renamer(exp)));
    });
});

describe("export then import (property)", () => {
  it("gives the same topology back, and every export passes the schema", () => {
    fc.assert(
      fc.property(arbExportTopology, (t) => {
        if (!t) return;
        const exp = exportContainerlab(t);
        expect(clabSchemaErrors(exp.files.get(exp.topologyFile)!)).toEqual([]);
        expect(essence(reimport(exp))).toEqual(essence(t, renamer(exp)));
      }),
      { numRuns: Number(process.env.RT_RUNS ?? 60), seed: process.env.RT_RUNS ? undefined : 11 },
    );
  });
});
