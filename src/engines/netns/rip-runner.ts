/**
 * @module engines/netns/rip-runner
 * Entry point run inside a namespace (`ip netns exec NS node --import tsx rip-runner.ts JSON`):
 * the project's RipDaemon on a RealHost. JSON = { name, interfaces: [{name, addr, len}],
 * settings: partial RipSettings (ns) }. Prints the daemon status on SIGUSR1, stops on SIGTERM.
 */
import { LabError } from "../../core/errors.js";
import { RipDaemon } from "../../proto/rip/index.js";
import { RealHost, type RealHostConfig } from "./real-host.js";

const arg = process.argv[2];
if (!arg) throw new LabError("usage: rip-runner.ts CONFIG_JSON", { field: "argv" }, "usage");
const cfg = JSON.parse(arg) as RealHostConfig & { settings?: Record<string, number | string> };
const host = new RealHost(cfg);
const rip = new RipDaemon(cfg.settings ?? {});
rip.start(host);
process.on("SIGUSR1", () => process.stdout.write(`${rip.formatStatus()}\n`));
process.on("SIGTERM", () => {
  rip.stop();
  void host.flush().then(() => process.exit(0));
});
process.stdout.write("rip-runner: started\n");
