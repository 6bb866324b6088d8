import { readFileSync } from "node:fs";
import { join } from "node:path";
import { runRelayConformance } from "../../lab/relay-conformance.testkit.js";
import { parseRoutelabYaml } from "../../topology/index.js";
import { createSimLab } from "./index.js";

const RELAY = join(import.meta.dirname, "..", "..", "..", "examples", "lessons", "relay.yaml");
runRelayConformance("sim", () =>
  createSimLab(parseRoutelabYaml(readFileSync(RELAY, "utf8"), "relay.yaml"), { seed: 1 }),
);
