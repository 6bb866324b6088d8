import { createSimLab } from "../src/engines/sim/index.js";
import { loadTopologyFile } from "../src/cli/io.js";
const lab = createSimLab(loadTopologyFile("/tmp/routelab-live-ksaaRP/random-1000.edges"), { seed: 1 });
const kinds = new Map<string, number>();
let bytes = new Map<string, number>();
lab.onEvent((e: any) => { const k = e.kind + (e.cls ? ":" + e.cls : ""); kinds.set(k, (kinds.get(k) ?? 0) + 1); bytes.set(k, (bytes.get(k) ?? 0) + JSON.stringify(e).length); });
for (let s = 1; s <= 9; s++) { await lab.advance(1e9); console.log("t", s, JSON.stringify([...kinds].sort((a, b) => b[1] - a[1]).slice(0, 8))); }
console.log(JSON.stringify([...bytes].sort((a, b) => b[1] - a[1]).slice(0, 8)));
