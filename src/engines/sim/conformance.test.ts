import { readFileSync } from "node:fs";
import { join } from "node:path";
import { runLabConformance } from "../../lab/conformance.testkit.js";
import { loadTopologyText } from "../../topology/index.js";
import { createSimLab } from "./index.js";

const SEED = join(import.meta.dirname, "..", "..", "..", "examples", "seed.yaml");
runLabConformance("sim", () =>
  createSimLab(loadTopologyText(readFileSync(SEED, "utf8"), "seed.yaml"), { seed: 1 }),
);
