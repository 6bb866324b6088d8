// A measurement, not part of npm run bench (issue 21): where FRR's ~25 s of OSPF convergence on the seed go.
// Run: flock /tmp/routelab-netns.lock npx tsx bench/frr-ospf-timing.mts (root, FRR); docs/performance.md cites it.
// ospfd gets `log timestamp precision 3` and `log-adjacency-changes detail` (patched in here,
// not in the product), the lab boots, and after it settles the ospfd logs are read.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createNetnsLab } from "../src/engines/netns/index.js";
import { loadTopologyText } from "../src/topology/index.js";
import { routingSpec } from "../src/topology/index.js";
import { SECOND } from "../src/core/time.js";

const frr = routingSpec("ospf")!.frr! as { routerBlock: (...a: unknown[]) => string };
const orig = frr.routerBlock.bind(frr);
frr.routerBlock = (...a: unknown[]) =>
  `log timestamp precision 3\ndebug ospf nsm\ndebug ospf ism\n${orig(...a).replace(/( ospf router-id .*\n)/, "$1 log-adjacency-changes detail\n")}`;

const text = readFileSync(new URL("../examples/seed.yaml", import.meta.url), "utf8").replace(
  /^ {2}routing: rip .*$/m,
  "  routing: ospf",
);
const topo = loadTopologyText(text, "seed-ospf.yaml");
const t0 = Date.now();
const lab = await createNetnsLab(topo, { prefix: "rlt7o" });
const tBoot = Date.now();
let lastRoute = 0;
let firstRoute = 0;
lab.onEvent((e) => {
  if (e.kind === "route" && e.source === "ospf") {
    lastRoute = Date.now();
    if (firstRoute === 0) firstRoute = lastRoute;
  }
});
await lab.advanceUntil(() => lastRoute > 0 && Date.now() - lastRoute > 15000, 120 * SECOND);
console.log(
  `boot ${(tBoot - t0) / 1000} s; first ospf route +${(firstRoute - tBoot) / 1000} s, last +${(lastRoute - tBoot) / 1000} s after boot`,
);
const root = (lab as unknown as { daemons?: { dirOf(n: string): string } }).daemons;
const dirs: string[] = [];
for (const n of topo.nodes) {
  let d: string | undefined;
  try {
    d = root?.dirOf(n.name);
  } catch {}
  if (d) dirs.push(d);
}
console.log("dirs", dirs.slice(0, 2));
for (const d of dirs) {
  const f = join(d, "ospfd.log");
  if (!existsSync(f)) {
    console.log("no", f);
    continue;
  }
  const lines = readFileSync(f, "utf8")
    .split("\n")
    .filter((l) => /AdjChg|ISM.*State change|NSM.*State change|SPF|Full|zebra/i.test(l));
  console.log(`== ${d}`);
  for (const l of lines) console.log(l);
}
console.log(
  `t0 ${new Date(t0).toISOString()} boot ${new Date(tBoot).toISOString()} last ${new Date(lastRoute).toISOString()}`,
);
await lab.close();
