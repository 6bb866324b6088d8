/**
 * Interop: the project's own RIP daemon (src/proto/rip on a RealHost, real UDP 520 and
 * 224.0.0.9 in a namespace) next to FRR's ripd in the next namespace. Each must learn the
 * other's routes with the right metric: the wire format checked against an implementation
 * nobody here wrote. Needs Linux, root and FRR (FAILS under CI=true when missing).
 *
 *   s0 --10.1.0.0/24-- ours --10.0.12.0/24-- frr --10.2.0.0/24-- s3   (s0, s3: static stubs)
 */
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SECOND } from "../../src/core/time.js";
import { listNamespaces } from "../../src/engines/netns/index.js";
import { run } from "../../src/engines/netns/sys.js";
import { loadTopologyText } from "../../src/topology/index.js";
import { netnsLabPerTest, RUN, skipNetns } from "./netns.testkit.js";

const root = join(import.meta.dirname, "..", "..");
/** This run's lab prefix (two runs at once must not collide). */
const PREFIX = `rlt-iop-${RUN}`;

const TOPO = `name: interop
defaults:
  routing: rip
  rip: { update: 5s, timeout: 30s, garbage: 20s, split-horizon: poisoned }
nodes:
  s0: { routing: static }
  ours: {}
  frr: {}
  s3: { routing: static }
links:
  - endpoints: ["s0:eth0", "ours:eth0"]
    subnet: 10.1.0.0/24
  - endpoints: ["ours:eth1", "frr:eth0"]
    subnet: 10.0.12.0/24
  - endpoints: ["frr:eth1", "s3:eth0"]
    subnet: 10.2.0.0/24
`;

describe.skipIf(skipNetns)("RIP interop: proto/rip against FRR ripd over real sockets", () => {
  let child: ChildProcess | undefined;

  const boot = netnsLabPerTest({
    beforeClose: async () => {
      if (child && child.exitCode === null) {
        child.kill("SIGTERM");
        await new Promise((r) => child!.once("exit", r));
      }
    },
    afterClose: () => expect(listNamespaces().filter((n) => n.startsWith(`${PREFIX}-`))).toEqual([]),
  });

  it("each learns the other's routes", async () => {
    const topo = loadTopologyText(TOPO, "interop.yaml");
    const lab = await boot(topo, { prefix: PREFIX, externalRouting: ["ours"] });
    const cfg = {
      name: "ours",
      interfaces: [
        { name: "eth0", addr: 0x0a010002, len: 24 },
        { name: "eth1", addr: 0x0a000c01, len: 24 },
      ],
      settings: { update: 5 * SECOND, timeout: 30 * SECOND, garbage: 20 * SECOND, splitHorizon: "poisoned" },
    };
    child = spawn(
      "ip",
      [
        "netns",
        "exec",
        `${PREFIX}-ours`,
        process.execPath,
        "--import",
        "tsx",
        join(root, "src/engines/netns/rip-runner.ts"),
        JSON.stringify(cfg),
      ],
      { cwd: root, stdio: ["ignore", "pipe", "pipe"] },
    );
    let out = "";
    child.stdout!.on("data", (b: Buffer) => (out += b.toString()));
    child.stderr!.on("data", (b: Buffer) => (out += b.toString()));
    const learned = async () => {
      const a = await run("ip", ["-n", `${PREFIX}-ours`, "route", "show", "proto", "rip"]);
      const b = await run("ip", ["-n", `${PREFIX}-frr`, "route", "show", "proto", "rip"]);
      return { ours: a.stdout, frr: b.stdout };
    };
    let r = await learned();
    const end = Date.now() + 40_000;
    while (Date.now() < end && !(r.ours.includes("10.2.0.0/24") && r.frr.includes("10.1.0.0/24"))) {
      await new Promise((res) => setTimeout(res, 500));
      r = await learned();
    }
    expect(out).toContain("rip-runner: started");
    // Ours learned FRR's stub network through FRR's address, FRR learned ours through ours.
    expect(r.ours).toMatch(/^10\.2\.0\.0\/24 via 10\.0\.12\.2 dev eth1 /m);
    expect(r.frr).toMatch(/^10\.1\.0\.0\/24 (nhid \d+ )?via 10\.0\.12\.1 dev eth0 /m);
    // FRR's view: our advertisement of 10.1.0.0/24 at metric 1 became metric 2 there.
    const rip = await run("ip", [
      "netns",
      "exec",
      `${PREFIX}-frr`,
      "vtysh",
      "--vty_socket",
      join(lab.state.dir, "frr"),
      "-c",
      "show ip rip",
    ]);
    expect(rip.stdout).toMatch(/R\(n\) 10\.1\.0\.0\/24\s+10\.0\.12\.1\s+2 10\.0\.12\.1/);
    // Ours: the daemon's status shows FRR's network at metric 2 from 10.0.12.2.
    out = "";
    child.kill("SIGUSR1");
    await new Promise((res) => setTimeout(res, 300));
    expect(out).toMatch(/10\.2\.0\.0\/24/);
  }, 90_000);
});
