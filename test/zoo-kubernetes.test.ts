/**
 * Every Topology Zoo network (../shared/topologies/zoo, CC BY 4.0, 276 files) exported for
 * containerlab gives names Kubernetes and clabernetes accept (issue 24). Read from the exported
 * `.clab.yml` itself, as clabverter reads it, and checked against the rules of the objects
 * clabernetes makes of them — srl-labs/clabernetes at 1cc0cbe (fetched 7 Dec 2026):
 * - the Topology object is named after the lab (clabverter/assets/topology.yaml.template 5), in
 *   namespace `c9s-LAB` (clabverter/clabverter.go 382: SafeConcatNameKubernetes joins with `-`
 *   and cuts at 63 with a hash, util/kubernetes/names.go 42-59, but never lower-cases): the lab
 *   name must itself be a DNS-1123 label;
 * - per node a Deployment and an expose Service `LAB-NODE`, or `NODE` with `--naming
 *   non-prefixed` (controllers/topology/deployment.go 120-124, serviceexpose.go 146-150), and a
 *   fabric Service `LAB-NODE-vx` / `NODE-vx` (servicefabric.go 104-107). Service names are
 *   DNS-1035 labels (a letter first, `[a-z0-9-]`, 63 at most), so every one of these is checked
 *   as one, both namings;
 * - the node's files become ConfigMap `LAB-NODE-files` (clabverter/files.go 548, a DNS-1123
 *   subdomain) with one key per bound file, the path's parts joined by `-` (files.go 559-562;
 *   a ConfigMap key is `[-._a-zA-Z0-9]+`);
 * - a link to a node in another pod becomes the launcher's containerlab link
 *   `host:NODE-IFACE` (controllers/topology/definitioncontainerlab.go 415-420), a Linux
 *   interface name: 15 characters at most (IFNAMSIZ 16 with the NUL), as are the containers'
 *   own interface names.
 * Before issue 24, 273 of the 276 lab names and 10,845 of the 10,952 node names were not even
 * DNS-1123 labels (counted on the GraphML import's names), and all 276 exports failed here.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { parseGraphml } from "../src/topology/graphml.js";
import { katharaEssence, katharaRenamer, reimportKathara } from "../src/topology/export-kathara.testkit.js";
import {
  type ContainerlabExport,
  exportContainerlab,
  exportKathara,
  loadTopologyText,
  type Topology,
} from "../src/topology/index.js";

const TARBALL = join(import.meta.dirname, "..", "..", "shared", "topologies", "zoo", "graphml.tar.gz");

/** Kubernetes' IsDNS1123Label and IsDNS1035Label (apimachinery validation.go): 63 at most. */
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const CONFIGMAP_KEY = /^[-._a-zA-Z0-9]+$/;

const label1123 = (s: string) => s.length <= 63 && DNS1123_LABEL.test(s);
const label1035 = (s: string) => s.length <= 63 && DNS1035_LABEL.test(s);
const subdomain = (s: string) => s.length <= 253 && DNS1123_SUBDOMAIN.test(s);

interface ClabFile {
  name: string;
  topology: {
    nodes: Record<string, { binds?: string[]; labels?: Record<string, string> }>;
    links?: { endpoints: string[] }[];
  };
}

/** Every name clabernetes would make from one exported lab that breaks a rule, as `rule: name`. */
function clabernetesFaults(clab: ClabFile): string[] {
  const faults: string[] = [];
  const check = (ok: boolean, what: string) => {
    if (!ok) faults.push(what);
  };
  const lab = clab.name;
  check(label1123(lab), `lab name (Topology, namespace c9s-LAB): ${lab}`);
  check(label1123(`c9s-${lab}`), `namespace: c9s-${lab}`);
  for (const [node, def] of Object.entries(clab.topology.nodes)) {
    for (const svc of [node, `${lab}-${node}`, `${node}-vx`, `${lab}-${node}-vx`])
      check(label1035(svc), `Service/Deployment: ${svc}`);
    check(subdomain(`${lab}-${node}-files`), `ConfigMap: ${lab}-${node}-files`);
    for (const b of def.binds ?? []) {
      const key = b.split(":")[0]!.split("/").join("-").replace(/^-/, "");
      check(CONFIGMAP_KEY.test(key) && key.length <= 253, `ConfigMap key: ${key}`);
    }
  }
  for (const l of clab.topology.links ?? [])
    for (const ep of l.endpoints) {
      const [node, iface] = ep.split(":") as [string, string];
      check(iface.length <= 15, `interface: ${ep}`);
      check(`${node}-${iface}`.length <= 15, `launcher host interface: ${node}-${iface}`);
    }
  const names = Object.keys(clab.topology.nodes);
  check(new Set(names).size === names.length, "node names not unique");
  return faults;
}

describe("Topology Zoo exports on Kubernetes (clabernetes)", () => {
  let dir = "";
  const loaded = new Map<string, Topology>();
  const exported = new Map<string, ContainerlabExport>();

  beforeAll(() => {
    if (!existsSync(TARBALL)) throw new Error(`missing ${TARBALL}`);
    dir = mkdtempSync(join(tmpdir(), "routelab-zoo-k8s-"));
    execFileSync("tar", ["xzf", TARBALL, "-C", dir]);
    for (const f of readdirSync(join(dir, "graphml")).sort())
      if (f.endsWith(".graphml"))
        loaded.set(f, parseGraphml(readFileSync(join(dir, "graphml", f), "utf8"), f));
    for (const [f, t] of loaded) exported.set(f, exportContainerlab(t));
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("the rules can fail: the Zoo's own names break them", () => {
    const abilene = loaded.get("Abilene.graphml")!;
    const raw: ClabFile = {
      name: abilene.name,
      topology: { nodes: Object.fromEntries(abilene.nodes.map((n) => [n.name, {}])) },
    };
    expect(clabernetesFaults(raw)).toContain("lab name (Topology, namespace c9s-LAB): Abilene");
    expect(clabernetesFaults(raw)).toContain("Service/Deployment: New_York");
  });

  it("every one of the 276 exports gives valid, unique Kubernetes names and 15-character interfaces", () => {
    expect(loaded.size).toBe(276);
    const bad: Record<string, string[]> = {};
    let nodes = 0;
    for (const [f, exp] of exported) {
      const clab = parse(exp.files.get(exp.topologyFile)!) as ClabFile;
      nodes += Object.keys(clab.topology.nodes).length;
      const faults = clabernetesFaults(clab);
      if (faults.length) bad[f] = faults.slice(0, 3);
    }
    expect(bad).toEqual({});
    expect(nodes).toBe(10_952);
  });

  it("keeps every original name (label, hostname) and loads back with them", () => {
    let renamed = 0;
    for (const [f, t] of loaded) {
      const exp = exported.get(f)!;
      const clab = parse(exp.files.get(exp.topologyFile)!) as ClabFile;
      for (const n of t.nodes) {
        const mapped = exp.nodeNames.get(n.name)!;
        if (mapped !== n.name) {
          renamed++;
          expect(clab.topology.nodes[mapped]!.labels?.["routelab-name"], f).toBe(n.name);
        }
        expect(exp.files.get(`${mapped}/frr.conf`), f).toMatch(new RegExp(`^hostname ${n.name}$`, "m"));
      }
      const back = loadTopologyText(exp.files.get(exp.topologyFile)!, exp.topologyFile, {
        readFile: (rel) => exp.files.get(rel),
      });
      expect(
        back.nodes.map((n) => n.name),
        f,
      ).toEqual(t.nodes.map((n) => n.name));
    }
    expect(renamed).toBeGreaterThan(10_000);
  });

  it("maps the same topology to the same names (deterministic), and Abilene as documented", () => {
    const t = loaded.get("Abilene.graphml")!;
    const a = exportContainerlab(t);
    const b = exportContainerlab(structuredClone(t));
    expect([...a.nodeNames]).toEqual([...b.nodeNames]);
    expect(a.labName).toBe("abilene");
    expect(a.nodeNames.get("New_York")).toBe("new-york");
    expect(a.topologyFile).toBe("abilene.clab.yml");
  });

  it("two Zoo networks round-trip through Kathará's format (Abilene; Kdl, the largest: 754 nodes)", () => {
    for (const f of ["Abilene.graphml", "Kdl.graphml"]) {
      const t = loaded.get(f)!;
      const exp = exportKathara(t);
      const devices = [...exp.nodeNames.values()];
      expect(new Set(devices).size, f).toBe(devices.length);
      for (const d of devices) expect(d, f).toMatch(/^[a-z][a-z0-9]{0,29}$/);
      expect(katharaEssence(reimportKathara(exp)), f).toEqual(katharaEssence(t, katharaRenamer(exp)));
    }
  });
});
