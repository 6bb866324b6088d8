/**
 * Child of the crash test in netns.test.ts: boots a topology on namespaces (captures on) with
 * the prefix it is given, prints `BOOTED` and the recorded daemon pids, then waits to be killed
 * (SIGKILL: no clean-up of any kind runs).
 */
import { readFileSync } from "node:fs";
import { createNetnsLab } from "../../src/engines/netns/index.js";
import { loadTopologyText } from "../../src/topology/index.js";

const [file, prefix] = process.argv.slice(2);
const topo = loadTopologyText(readFileSync(file!, "utf8"), file!);
const lab = await createNetnsLab(topo, { prefix: prefix! });
process.stdout.write(`BOOTED ${JSON.stringify(lab.state.state.pids.map((p) => p.pid))}\n`);
setInterval(() => {}, 60_000);
