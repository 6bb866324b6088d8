/**
 * @module topology/protocols/rip-frr-reader
 * What RIP reads of an imported FRR configuration (issue 10 import, topology/parse-frr.ts):
 * `router rip`'s version and `timers basic`, and each interface's split-horizon line.
 * FRR's own defaults apply to what the file leaves out: plain split horizon on every RIP
 * interface (`ip rip split-horizon`, FRR's default, unlike routelab's poisoned reverse), timers
 * 30/180/120 s. `network` and `redistribute connected` need no reading: routelab runs RIP on
 * every interface of a RIP router and advertises connected subnets.
 */
import { SECOND } from "../../core/time.js";
import type { RipSettings, SplitHorizon } from "../model.js";
import type { FrrConfReader, FrrConfReading } from "./spec.js";

/** Version 2 only on an interface: what routelab speaks anyway (topology/frr-config writes it). */
const RIP_V2_ONLY = /^ip rip (send|receive) version 2$/;

const SPLIT_HORIZON_LINES: ReadonlyMap<string, SplitHorizon> = new Map([
  ["ip rip split-horizon", "simple"],
  ["ip rip split-horizon poisoned-reverse", "poisoned"],
  ["no ip rip split-horizon", "off"],
]);

function reading(): FrrConfReading {
  const settings: Partial<RipSettings> = {};
  const ifaceMode = new Map<string, SplitHorizon>();
  return {
    interfaceLine(iface, t) {
      const mode = SPLIT_HORIZON_LINES.get(t);
      if (mode) ifaceMode.set(iface, mode);
      return mode !== undefined || RIP_V2_ONLY.test(t);
    },
    routerLine(t, w, error, unmapped) {
      if (w[0] === "version") {
        if (w[1] === "1") settings.version = 1;
        else if (w[1] !== "2")
          unmapped.push(`router rip: version ${w[1] ?? "?"} (routelab speaks RIP version 1 or 2)`);
      } else if (w[0] === "timers" && w[1] === "basic") {
        const secs = w.slice(2, 5).map(Number);
        if (secs.length !== 3 || !secs.every((n) => Number.isInteger(n) && n > 0))
          error(`'${t}': expected 'timers basic UPDATE TIMEOUT GARBAGE' in seconds`, 2);
        else [settings.update, settings.timeout, settings.garbage] = secs.map((n) => n * SECOND);
      } else if (w[0] === "network" || (w[0] === "redistribute" && w[1] === "connected")) {
        // Every interface runs RIP and connected subnets are advertised anyway.
      } else unmapped.push(`router rip: ${t}`);
    },
    finish(ifaces, notes) {
      // FRR's default on an interface without a split-horizon line is plain split horizon.
      const counts = new Map<SplitHorizon, number>();
      for (const n of ifaces) {
        const m = ifaceMode.get(n) ?? "simple";
        counts.set(m, (counts.get(m) ?? 0) + 1);
      }
      const best = [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? "simple";
      settings.splitHorizon = best;
      if (counts.size > 1) notes.push(`split horizon differs between interfaces: '${best}' used on all`);
      return settings;
    },
  };
}

export const RIP_FRR_READER: FrrConfReader = {
  routerLine: "router rip",
  start: reading,
  applyTo(node, settings) {
    if (Object.keys(settings).length) node.rip = { ...node.rip, ...(settings as Partial<RipSettings>) };
  },
};
