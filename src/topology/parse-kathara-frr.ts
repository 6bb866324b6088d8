/**
 * @module topology/parse-kathara-frr
 * A Kathará device's routing configuration, as Kathará's labs write it (KatharaFramework/
 * Kathara-Labs: 82 FRR labs' devices use `etc/frr/frr.conf`, others one file per daemon, the
 * older labs Quagga's `etc/quagga/zebra.conf` and `ripd.conf`). Read, in this order:
 * - `NODE/etc/frr/frr.conf` (FRR's integrated configuration), whose `hostname` may name the node;
 * - else per-daemon files of `NODE/etc/frr/`, else of `NODE/etc/quagga/`: `zebra.conf`
 *   (addresses), each simulated protocol's daemon's (`spec.frr.daemon`, e.g. `ripd.conf`),
 *   `staticd.conf` (routes) — their `hostname` is the daemon's prompt (Quagga labs write
 *   `hostname ripd`), so it names nothing; the `*.conf` of daemons routelab does not simulate
 *   (bgpd, …) are noted;
 * - the directory's `daemons` file: which daemons run. A protocol's configuration with its
 *   daemon off runs no protocol.
 * Each file is parsed by topology/parse-frr.ts (Quagga's syntax for these statements is FRR's).
 */
import type { Diagnostics } from "./diag.js";
import type { DraftNode } from "./draft.js";
import type { FrrConf } from "./parse-frr.js";
import { parseFrrConf } from "./parse-frr.js";
import { routingSpec, routingSpecs, STATIC_ROUTING } from "./protocols/index.js";

/** The FRR daemons of the protocols routelab simulates (`ripd`, …), from their specs. */
const PROTOCOL_DAEMONS = routingSpecs().flatMap((s) => (s.frr ? [s.frr.daemon] : []));
/** FRR daemons routelab simulates, or that need no simulation. */
const SIMULATED_DAEMONS = new Set(["zebra", ...PROTOCOL_DAEMONS, "staticd", "mgmtd", "watchfrr"]);
const SPLIT_READ = ["zebra", ...PROTOCOL_DAEMONS, "staticd"];
const SPLIT_NOTED = ["bgpd", "ospfd", "ospf6d", "isisd", "ripngd", "babeld", "eigrpd", "pimd", "ldpd"].filter(
  (d) => !SIMULATED_DAEMONS.has(d),
);

export interface DeviceRouting {
  /** Addresses per interface from the configuration (startup addresses take precedence). */
  addrs: FrrConf["addrs"];
  /** frr.conf's hostname, when the integrated file gives one. */
  hostname?: string;
  /** A configuration was found. */
  configured: boolean;
}

/** `zebra=yes` lines of a daemons file. */
function enabledDaemons(text: string): Set<string> {
  return new Set([...text.matchAll(/^\s*([a-z0-9]+)\s*=\s*["']?yes["']?\s*$/gm)].map((m) => m[1]!));
}

/**
 * Reads `name`'s FRR or Quagga files (paths relative to the lab, shown with `dir` in front)
 * into `node` (routing, static routes, protocol settings, notes); returns addresses and hostname.
 */
export function readDeviceRouting(
  name: string,
  node: DraftNode,
  dir: string,
  readFile: (rel: string) => string | undefined,
  diag: Diagnostics,
): DeviceRouting {
  const notes = node.notes!;
  const out: DeviceRouting = { addrs: new Map(), configured: false };
  const parsed: { rel: string; conf: FrrConf }[] = [];
  const parse = (rel: string) => {
    const text = readFile(rel);
    if (text !== undefined) parsed.push({ rel, conf: parseFrrConf(text, `${dir}${rel}`, diag) });
    return text !== undefined;
  };
  let base = `${name}/etc/frr`;
  if (parse(`${base}/frr.conf`)) out.hostname = parsed[0]!.conf.hostname;
  else {
    for (const d of SPLIT_READ) parse(`${base}/${d}.conf`);
    if (parsed.length === 0) {
      base = `${name}/etc/quagga`;
      for (const d of SPLIT_READ) parse(`${base}/${d}.conf`);
    }
    const other = SPLIT_NOTED.filter((d) => readFile(`${base}/${d}.conf`) !== undefined);
    if (other.length) notes.push(`${other.map((d) => `${base}/${d}.conf`).join(", ")} not simulated`);
  }
  const daemonsText = readFile(`${base}/daemons`);
  const daemons = daemonsText === undefined ? undefined : enabledDaemons(daemonsText);
  const others = [...(daemons ?? [])].filter((d) => !SIMULATED_DAEMONS.has(d));
  if (others.length) notes.push(`FRR daemons not simulated: ${others.join(", ")}`);

  node.routing = STATIC_ROUTING;
  if (parsed.length === 0) {
    for (const spec of routingSpecs())
      if (spec.frr && daemons?.has(spec.frr.daemon))
        notes.push(
          `${base}/daemons enables ${spec.frr.daemon} but there is no configuration: no ${spec.label}`,
        );
    return out;
  }
  out.configured = true;
  for (const { rel, conf } of parsed) {
    for (const [iface, a] of conf.addrs) if (!out.addrs.has(iface)) out.addrs.set(iface, a);
    node.statics.push(...conf.statics);
    const spec = routingSpec(conf.routing);
    notes.push(`read ${rel}: routing ${conf.routing}`, ...conf.notes);
    // The first protocol configured runs (routelab runs one per node), as in parse-frr.ts.
    const running = routingSpec(node.routing);
    if (spec && running && running !== spec) {
      notes.push(`${spec.label} not simulated: this router runs ${running.label}`);
      continue;
    }
    if (spec) node.routing = spec.name;
    spec?.frr?.reader.applyTo(node, conf.settings);
  }
  const frr = routingSpec(node.routing)?.frr;
  if (frr && daemons && !daemons.has(frr.daemon)) {
    notes.push(
      `${base}/daemons leaves ${frr.daemon} off: the router runs no ${routingSpec(node.routing)!.label}`,
    );
    node.routing = STATIC_ROUTING;
  }
  return out;
}
