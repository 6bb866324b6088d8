/**
 * System test of the containerlab export (issue 10's "done means"): `routelab export` writes the
 * seed lab, containerlab's schema accepts it, and its FRR configs — the exported files, not
 * configs generated anew — started on the netns engine's FRR converge to the simulator's tables.
 *
 * What containerlab would do is done here with the netns engine's parts: one namespace per node
 * (engines/netns/plan: names, MACs), veth pairs named as the exported lab names them (eth1…),
 * links up but no addresses (those come from frr.conf, as in a container), then the daemons
 * the exported `daemons` file enables, started by the netns engine's own code
 * (engines/netns/daemons), and the exported frr.conf applied with `vtysh -b` as FRR's own
 * start-up script does with an integrated configuration.
 * Tables are read as the netns engine reads them (kernel routes + zebra's RIP metrics) and
 * compared with the simulator's by cli/compare. The static seed's export and the Kathará export
 * (its NODE/etc/frr files, on the lab directory read back with eth0… names) run the same way, and
 * FRR's own parser (`vtysh --dryrun`) accepts every frr.conf exported from generated topologies.
 *
 * Needs Linux, root and FRR; skipped elsewhere, but FAILS under CI=true when they are missing.
 * RIP timers are shortened (update 5 s, timeout 30 s, garbage 20 s) in a copy of seed.yaml so
 * the file runs in well under a minute. Everything it made is removed after each test.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { compareLabs, formatComparison } from "../../src/cli/compare.js";
import { loadTopologyFile } from "../../src/cli/io.js";
import { formatIpv4, formatPrefix } from "../../src/core/ip.js";
import { SECOND } from "../../src/core/time.js";
import { daemonUp, spawnDaemon } from "../../src/engines/netns/daemons.js";
import { listNamespaces, planLab, removeLeftovers } from "../../src/engines/netns/index.js";
import { type IpRouteJson, kernelRoutes, zebraRipMetrics } from "../../src/engines/netns/kernel-routes.js";
import type { LabPlan } from "../../src/engines/netns/plan.js";
import { alive, killRecorded, removeNamespaces, StateFile } from "../../src/engines/netns/state.js";
import { ipBatch, run, runOk } from "../../src/engines/netns/sys.js";
import { createSimLab } from "../../src/engines/sim/index.js";
import type { Lab, RouteInfo } from "../../src/lab/lab.js";
import { exportContainerlab } from "../../src/topology/export-containerlab.js";
import { arbExportTopology } from "../../src/topology/export-containerlab.testkit.js";
import type { Topology } from "../../src/topology/model.js";
import { clabSchemaErrors } from "../clab-schema.js";
import { routelab } from "../cli.js";
import { routesSettled } from "../../src/lab/drive.testkit.js";
import { netnsWhy, skipNetns } from "./netns.testkit.js";

const ROOT = join(import.meta.dirname, "..", "..");
const FRR = "/usr/lib/frr";
const PREFIX = "rlt-export";

/** seed.yaml with short RIP timers (the defaults block's lines, rewritten). */
function fastSeedYaml(): string {
  const text = readFileSync(join(ROOT, "examples", "seed.yaml"), "utf8");
  const fast = text
    .replace(/^( {4}update:) 30s/m, "$1 5s")
    .replace(/^( {4}timeout:) 180s/m, "$1 30s")
    .replace(/^( {4}garbage:) 120s/m, "$1 20s");
  if (fast === text || !/update: 5s/.test(fast)) throw new Error("seed.yaml's rip block changed shape");
  return fast;
}

/** Waits until no route changed for `quiet`, at most `max` (drive.testkit.ts). */
const converged = (lab: Lab, quiet = 6 * SECOND, max = 90 * SECOND) => routesSettled(lab, { quiet, max });

/**
 * The exported lab on namespaces + FRR. Holds only what the comparison needs: `routes(node)` in
 * the Lab interface's shape, read fresh by `refresh()`.
 */
class ExportedFrrLab {
  readonly state = new StateFile(PREFIX);
  private tables = new Map<string, RouteInfo[]>();

  constructor(
    readonly plan: LabPlan,
    readonly labDir: string,
    /** Where a node's FRR files are in the export: `NODE/` (containerlab), `NODE/etc/frr/` (Kathará). */
    readonly frrDir: (node: string) => string = (node) => join(labDir, node),
  ) {}

  private dir(node: string): string {
    return join(this.state.dir, node);
  }

  async boot(): Promise<void> {
    const nodes = this.plan.nodes;
    this.state.state.namespaces = nodes.map((n) => n.netns);
    this.state.save();
    const lines = nodes.map((n) => `netns add ${n.netns}`);
    const done = new Set<string>();
    for (const n of nodes)
      for (const i of n.ifaces) {
        if (done.has(i.link.id)) continue;
        done.add(i.link.id);
        const far = i.link.a.node === n.name ? i.link.b : i.link.a;
        const peer = this.plan.byName.get(far.node)!;
        const p = peer.ifaces.find((x) => x.link.id === i.link.id && x.name === far.iface)!;
        lines.push(
          `link add ${i.kname} netns ${n.netns} address ${i.mac} type veth peer name ${p.kname} netns ${peer.netns} address ${p.mac}`,
        );
      }
    await ipBatch(lines);
    // Links up, as containerlab leaves them; no addresses: zebra sets them from frr.conf.
    for (const n of nodes)
      await ipBatch(["link set lo up", ...n.ifaces.map((i) => `link set ${i.kname} up`)], n.netns);
    for (const n of nodes) await this.startFrr(n.name, n.netns);
  }

  /** The daemons the exported `daemons` file enables, then `vtysh -b` with the exported frr.conf. */
  private async startFrr(node: string, netns: string): Promise<void> {
    const dir = this.dir(node);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "frr.conf"), readFileSync(join(this.frrDir(node), "frr.conf")));
    writeFileSync(join(dir, "vtysh.conf"), "");
    execFileSync("chown", ["-R", "frr:frr", dir]);
    const daemons = readFileSync(join(this.frrDir(node), "daemons"), "utf8");
    // Daemon lines only (`ripd=yes`), not settings such as `vtysh_enable=yes`.
    const on = [...daemons.matchAll(/^(zebra|[a-z0-9]+d)=yes$/gm)].map((m) => m[1]!);
    // zebra first: the others connect to its socket.
    on.sort((a, b) => (a === "zebra" ? -1 : b === "zebra" ? 1 : 0));
    for (const name of on) {
      // The netns engine's way of starting a daemon (engines/netns/daemons), with an empty
      // per-daemon file: the configuration is the integrated frr.conf, applied below.
      writeFileSync(join(dir, `${name}.conf`), "");
      execFileSync("chown", ["frr:frr", join(dir, `${name}.conf`)]);
      const d = { netns, binary: join(FRR, name), name, dir };
      const p = spawnDaemon(d, (pid) => this.state.addPid(pid, dir));
      this.state.save();
      await daemonUp(d, p);
    }
    // FRR's integrated configuration: vtysh reads frr.conf and hands each daemon its part.
    const r = await run("ip", [
      "netns",
      "exec",
      netns,
      "vtysh",
      "--vty_socket",
      dir,
      "--config_dir",
      dir,
      "-b",
    ]);
    if (r.code !== 0) throw new Error(`${node}: vtysh -b frr.conf: exit ${r.code}\n${r.stdout}${r.stderr}`);
  }

  /** Reads every node's kernel table and zebra's RIP metrics. */
  async refresh(): Promise<void> {
    for (const n of this.plan.nodes) {
      const rows = JSON.parse(
        await runOk("ip", ["-4", "-j", "-n", n.netns, "route", "show", "table", "all"]),
      ) as IpRouteJson[];
      const json = await run("ip", [
        "netns",
        "exec",
        n.netns,
        "vtysh",
        "--vty_socket",
        this.dir(n.name),
        "-c",
        "show ip route json",
      ]);
      const metrics = zebraRipMetrics(json.stdout);
      this.tables.set(
        n.name,
        kernelRoutes(rows, n, (p) => metrics.get(p)).map((r) => ({
          dest: formatPrefix({ addr: r.dest, len: r.len }),
          gateway: r.gateway !== 0 ? formatIpv4(r.gateway) : `link#${r.iface + 1}`,
          flags: `U${r.flags}`,
          iface: r.iface === 0 ? "lo0" : (n.ifaces[r.iface - 1]?.name ?? "?"),
          metric: r.metric,
          source: r.source,
          refs: 0,
          use: 0,
        })),
      );
    }
  }

  routes(node: string): RouteInfo[] {
    return this.tables.get(node) ?? [];
  }

  /** The lab as compareLabs sees a Lab (it reads routes only). */
  asLab(): Lab {
    return { routes: (n: string) => this.routes(n) } as unknown as Lab;
  }

  async ping(node: string, addr: string): Promise<string> {
    const ns = this.plan.byName.get(node)!.netns;
    return (await run("ip", ["netns", "exec", ns, "ping", "-c", "2", "-i", "0.2", "-W", "2", addr])).stdout;
  }

  async close(): Promise<void> {
    await killRecorded(this.state.state.pids);
    await removeNamespaces(this.state.state.namespaces);
    rmSync(this.state.dir, { recursive: true, force: true });
  }
}

describe.skipIf(skipNetns)("containerlab export on FRR (root, FRR)", () => {
  let lab: ExportedFrrLab | undefined;
  let work: string | undefined;

  afterEach(async () => {
    if (lab) {
      const pids = lab.state.state.pids.map((p) => p.pid);
      await lab.close();
      expect(listNamespaces().filter((n) => n.startsWith(`${PREFIX}-`))).toEqual([]);
      expect(pids.filter((p) => alive(p))).toEqual([]);
      expect(existsSync(lab.state.dir)).toBe(false);
      lab = undefined;
    }
    if (work) rmSync(work, { recursive: true, force: true });
    work = undefined;
  });

  it("has what it needs", () => {
    expect(netnsWhy).toBeNull();
  });

  /** Exports `yaml` with the CLI, checks the schema, boots the sim on it and the export on FRR. */
  async function exportAndBoot(name: string, yaml: string) {
    work = mkdtempSync(join(tmpdir(), "rl-export-sys-"));
    const file = join(work, `${name}.yaml`);
    writeFileSync(file, yaml);
    const out = join(work, "x");
    const r = routelab(["export", file, "--format", "containerlab", "--out", out]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    const clab = join(out, `${name}.clab.yml`);
    expect(clabSchemaErrors(readFileSync(clab, "utf8"))).toEqual([]);
    // The simulator on the original file, the FRR lab from the exported one (eth1… names).
    const original = loadTopologyFile(file);
    const sim = createSimLab(original, { seed: 1 });
    expect(await converged(sim)).toBe(true);
    await removeLeftovers(PREFIX);
    lab = new ExportedFrrLab(planLab(loadTopologyFile(clab), PREFIX), out);
    await lab.boot();
    return { original, sim, out, lab };
  }

  /** Polls the FRR lab until its tables equal the simulator's (at most `maxMs`). */
  async function sameTables(original: Topology, sim: Lab, frr: ExportedFrrLab, maxMs: number) {
    const deadline = Date.now() + maxMs;
    for (;;) {
      await new Promise((res) => setTimeout(res, 1000));
      await frr.refresh();
      const result = compareLabs(original, sim, frr.asLab());
      const same = result.differences.length === 0 && result.pathDifferences.length === 0;
      if (same || Date.now() > deadline) {
        if (!same) console.log(formatComparison(result));
        return result;
      }
    }
  }

  it("routelab export writes a schema-valid seed lab whose FRR configs converge to the simulator's tables", async () => {
    const { original, sim, out, lab } = await exportAndBoot("seed", fastSeedYaml());
    expect(readFileSync(join(out, "vm1", "frr.conf"), "utf8")).toMatch(/^ timers basic 5 30 20$/m);
    expect(lab.state.state.pids).toHaveLength(18); // zebra + ripd on 9 routers, from `daemons`

    // Converged: the same tables as the simulator's, and still the same two updates later.
    const result = await sameTables(original, sim, lab, 60_000);
    expect(result.differences).toEqual([]);
    expect(result.pathDifferences).toEqual([]);
    expect(result.routes).toBe(9 * 9);
    await new Promise((res) => setTimeout(res, 12_000));
    await lab.refresh();
    const again = compareLabs(original, sim, lab.asLab());
    expect(again.differences).toEqual([]);
    expect(again.pathDifferences).toEqual([]);

    // Addresses came from frr.conf (zebra), forwarding too: vm4 reaches vm9 through vm1 and vm3.
    expect(lab.routes("vm9").find((x) => x.dest === "10.0.40.0/24")?.metric).toBe(3);
    expect(await lab.ping("vm4", "10.0.90.2")).toMatch(/2 packets transmitted, 2 received/);
    await sim.close();
  }, 120_000);

  it("the Kathará export's FRR files (NODE/etc/frr) converge to the simulator's tables too", async () => {
    work = mkdtempSync(join(tmpdir(), "rl-export-kat-"));
    const file = join(work, "seed.yaml");
    writeFileSync(file, fastSeedYaml());
    const out = join(work, "k");
    const r = routelab(["export", file, "--format", "kathara", "--out", out]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    const original = loadTopologyFile(file);
    const sim = createSimLab(original, { seed: 1 });
    expect(await converged(sim)).toBe(true);
    await removeLeftovers(PREFIX);
    // The lab as Kathará wires it: the directory read back (eth0… names), FRR from NODE/etc/frr.
    lab = new ExportedFrrLab(planLab(loadTopologyFile(out), PREFIX), out, (n) => join(out, n, "etc", "frr"));
    await lab.boot();
    expect(lab.state.state.pids).toHaveLength(18);
    const result = await sameTables(original, sim, lab, 60_000);
    expect(result.differences).toEqual([]);
    expect(result.pathDifferences).toEqual([]);
    expect(await lab.ping("vm4", "10.0.90.2")).toMatch(/2 packets transmitted, 2 received/);
    await sim.close();
  }, 120_000);

  it("the static seed's export installs the simulator's static tables with zebra and staticd, no ripd", async () => {
    const text = readFileSync(join(ROOT, "examples", "seed-static.yaml"), "utf8");
    const { original, sim, lab } = await exportAndBoot("seed-static", text);
    expect(lab.state.state.pids).toHaveLength(18); // zebra + staticd on 9 routers
    const result = await sameTables(original, sim, lab, 20_000);
    expect(result.differences).toEqual([]);
    expect(result.pathDifferences).toEqual([]);
    expect(lab.routes("vm4").find((x) => x.dest === "0.0.0.0/0")).toMatchObject({
      gateway: "10.0.40.1",
      source: "static",
    });
    expect(await lab.ping("vm4", "10.0.90.2")).toMatch(/2 packets transmitted, 2 received/);
    await sim.close();
  }, 60_000);

  it("FRR accepts every exported frr.conf of generated topologies (vtysh --dryrun)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rl-export-dry-"));
    work = dir;
    writeFileSync(join(dir, "vtysh.conf"), "");
    const samples = fc.sample(arbExportTopology, { numRuns: 15, seed: 5 }).filter((t) => t !== null);
    let checked = 0;
    for (const [k, t] of samples.entries()) {
      const exp = exportContainerlab(t);
      for (const [rel, text] of exp.files) {
        if (!rel.endsWith("/frr.conf")) continue;
        const file = join(dir, `${k}-${rel.replace("/", "-")}`);
        writeFileSync(file, text);
        const r = await run("vtysh", ["--config_dir", dir, "--dryrun", "-f", file]);
        if (r.code !== 0) console.log(text);
        expect(`${rel}: exit ${r.code} ${r.stdout}${r.stderr}`.trim()).toBe(`${rel}: exit 0`);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(50);
    // The check can fail: a line FRR does not know is refused.
    const bad = join(dir, "bad.conf");
    writeFileSync(bad, "interface eth1\n ip rip bogus\nexit\n");
    expect((await run("vtysh", ["--config_dir", dir, "--dryrun", "-f", bad])).code).not.toBe(0);
  }, 60_000);
});
