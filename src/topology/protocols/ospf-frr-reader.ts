/**
 * @module topology/protocols/ospf-frr-reader
 * What OSPF reads of an imported FRR configuration (topology/parse-frr.ts): `router ospf`'s
 * `auto-cost reference-bandwidth` and area-0 `network` lines, and each interface's `ip ospf`
 * cost, timers, network type and priority. FRR's defaults apply to what the file leaves out —
 * an Ethernet interface is `broadcast` in FRR unless it says `ip ospf network point-to-point`
 * (ospfd/ospf_interface.c `ospf_default_iftype`). routelab runs OSPF on every interface of an
 * OSPF router in area 0; other areas and other router lines are said to be unmapped.
 */
import { SECOND } from "../../core/time.js";
import type { OspfNetworkType, OspfSettings } from "../model.js";
import type { FrrConfReader, FrrConfReading } from "./spec.js";

type IfaceKey = "cost" | "hello" | "dead" | "retransmit" | "priority" | "network";

const IFACE_LINE =
  /^ip ospf (cost|hello-interval|dead-interval|retransmit-interval|priority|network) (\d+|point-to-point|broadcast)$/;
const KEY_OF: Record<string, IfaceKey> = {
  cost: "cost",
  "hello-interval": "hello",
  "dead-interval": "dead",
  "retransmit-interval": "retransmit",
  priority: "priority",
  network: "network",
};

/** The value most interfaces have (timers and network type are one per routelab node). */
function majority<T>(values: T[]): { value: T | undefined; mixed: boolean } {
  const counts = new Map<T, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  const best = [...counts].sort((a, b) => b[1] - a[1])[0]?.[0];
  return { value: best, mixed: counts.size > 1 };
}

function reading(): FrrConfReading {
  const settings: Partial<OspfSettings> = {};
  const perIface = new Map<string, Map<IfaceKey, string>>();
  return {
    interfaceLine(iface, t) {
      const m = IFACE_LINE.exec(t);
      if (!m) return false;
      const own = perIface.get(iface) ?? new Map<IfaceKey, string>();
      own.set(KEY_OF[m[1]!]!, m[2]!);
      perIface.set(iface, own);
      return true;
    },
    routerLine(t, w, error, unmapped) {
      if (w[0] === "auto-cost" && w[1] === "reference-bandwidth") {
        const mbit = Number(w[2]);
        if (!Number.isInteger(mbit) || mbit < 1) error(`'${t}': expected Mbit/s, 1 to 4294967`, 2);
        else settings.referenceBandwidth = mbit * 1_000_000;
      } else if (w[0] === "network" && w[2] === "area") {
        if (w[3] !== "0" && w[3] !== "0.0.0.0")
          unmapped.push(`router ospf: ${t} (routelab runs area 0 only)`);
      } else if (!((w[0] === "ospf" && w[1] === "router-id") || w[0] === "router-id")) {
        unmapped.push(`router ospf: ${t}`);
      }
    },
    finish(ifaces, notes) {
      const val = (i: string, k: IfaceKey) => perIface.get(i)?.get(k);
      for (const k of ["hello", "dead", "retransmit"] as const) {
        const { value, mixed } = majority(ifaces.map((i) => val(i, k)).filter((v) => v !== undefined));
        if (value !== undefined) settings[k] = Number(value) * SECOND;
        if (mixed) notes.push(`OSPF ${k} interval differs between interfaces: ${value}s used on all`);
      }
      const net = majority(ifaces.map((i) => val(i, "network") ?? "broadcast"));
      settings.network = (net.value ?? "broadcast") as OspfNetworkType;
      if (net.mixed)
        notes.push(`OSPF network type differs between interfaces: ${settings.network} used on all`);
      for (const k of ["cost", "priority"] as const) {
        const m: Record<string, number> = {};
        for (const i of ifaces) if (val(i, k) !== undefined) m[i] = Number(val(i, k));
        if (Object.keys(m).length) settings[k] = m;
      }
      return settings;
    },
  };
}

export const OSPF_FRR_READER: FrrConfReader = {
  routerLine: "router ospf",
  start: reading,
  applyTo(node, settings) {
    if (Object.keys(settings).length) node.ospf = { ...node.ospf, ...(settings as Partial<OspfSettings>) };
  },
};
