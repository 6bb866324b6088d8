/**
 * @module topology/parse-frr
 * Reads the parts of an FRR `frr.conf` that a simulated router can honour (issue 10 import):
 * interface addresses, static routes (`ip route P GATEWAY`) and the settings of the routing
 * protocols routelab simulates: each protocol's spec reads its `router …` block and its
 * interface lines (`spec.frr.reader`, topology/protocols/; docs/protocols.md). Everything else
 * is listed in `notes` — a block of a protocol not simulated, passive interfaces,
 * redistribution — so that nothing is dropped silently. Malformed addresses and routes are
 * errors with the frr.conf's file:line:col.
 *
 * A node whose file configures no routing protocol runs static routing; one configured only
 * for protocols routelab does not simulate runs the default protocol (DEFAULT_ROUTING, the
 * closest dynamic routing it has), with a note.
 */
import type { SourcePos } from "../core/errors.js";
import type { Ipv4 } from "../core/ip.js";
import type { Diagnostics } from "./diag.js";
import type { DraftStatic } from "./draft.js";
import { DEFAULT_ROUTING, routingSpec, routingSpecs, STATIC_ROUTING } from "./protocols/index.js";
import type { FrrConfReading, RoutingSpec } from "./protocols/spec.js";
import { parseAddress, parseHostAddress, parseRouteDest } from "./values.js";

export interface FrrConf {
  hostname?: string;
  /** First address of each interface, as `ip address A/L` gives it. */
  addrs: Map<string, { addr: Ipv4; len: number; at: SourcePos }>;
  statics: DraftStatic[];
  /** `static` when the file configures no routing protocol; otherwise the simulated protocol's name. */
  routing: string;
  /** The settings read for that protocol (its spec's `frr.reader.applyTo` puts them on a node). */
  settings: object;
  /** What could not be mapped, for the user. */
  notes: string[];
}

/** Lines that configure nothing a simulated router models and need no mention. */
const HARMLESS =
  /^(frr (version|defaults)|log |service |no ipv6 forwarding|ip forwarding|end$|line vty|exit$|description )/;

/** Statements of FRR's configuration node: at the left margin they end an `interface` or `router` block. */
const TOP_LEVEL =
  /^(interface|router|hostname|log|line|end|frr|service|password|enable|debug|access-list|route-map|key|vrf|bfd|agentx|segment-routing|(no )?(ip|ipv6) (route|forwarding|prefix-list|protocol|nht|import-table)\b)/;

/** The protocols FRR can run, each with its reading of the file being parsed. */
interface ProtocolReading {
  spec: RoutingSpec;
  reading: FrrConfReading;
  seen: boolean;
}

/** Parses frr.conf text; faults go to `diag` with `file` as their file. */
export function parseFrrConf(text: string, file: string, diag: Diagnostics): FrrConf {
  const out: FrrConf = { addrs: new Map(), statics: [], routing: STATIC_ROUTING, settings: {}, notes: [] };
  const unmapped: string[] = [];
  const protocols: ProtocolReading[] = routingSpecs().flatMap((spec) =>
    spec.frr ? [{ spec, reading: spec.frr.reader.start(), seen: false }] : [],
  );
  let block:
    | { kind: "interface"; name: string }
    | { kind: "protocol"; protocol: ProtocolReading }
    | { kind: "other"; name: string }
    | undefined;
  const otherProtocols: string[] = [];

  text.split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1;
    const indent = raw.length - raw.trimStart().length;
    const t = raw.trim();
    if (t === "" || t.startsWith("#")) return;
    if (t === "!" || t.startsWith("!")) {
      block = undefined;
      return;
    }
    const at = (word = 0): SourcePos => ({ file, line, col: indent + 1 + colOf(t, word) });
    const w = t.split(/\s+/);
    // FRR reads a line in the block it is in and, when the block has no such command, in the
    // blocks around it (lib/command.c, config_from_file): indentation means nothing to it, and
    // Kathará's labs write `router …` / `network …` all at the left margin. A top-level
    // statement ends the block; any other line stays in it.
    if (indent === 0 && block && TOP_LEVEL.test(t)) block = undefined;

    if (block?.kind === "other") return; // reported once when the block opened
    if (block?.kind === "interface") {
      const name = block.name;
      if (w[0] === "ip" && w[1] === "address") {
        const a = parseHostAddress(w[2] ?? "");
        if (!a.ok || a.value.len === undefined)
          diag.error(`'${t}': expected 'ip address A.B.C.D/LEN'`, at(2));
        else if (out.addrs.has(name)) unmapped.push(`${name}: secondary address ${w[2]}`);
        else out.addrs.set(name, { addr: a.value.addr, len: a.value.len, at: at(2) });
      } else if (!protocols.some((p) => p.reading.interfaceLine(name, t)) && !HARMLESS.test(t))
        unmapped.push(`${name}: ${t}`);
      return;
    }
    if (block?.kind === "protocol") {
      if (!HARMLESS.test(t))
        block.protocol.reading.routerLine(t, w, (message, word) => diag.error(message, at(word)), unmapped);
      return;
    }

    if (w[0] === "hostname") out.hostname = w[1];
    else if (w[0] === "interface" && w[1]) block = { kind: "interface", name: w[1] };
    else if (w[0] === "router" && protocols.some((p) => p.spec.frr!.reader.routerLine === t)) {
      const protocol = protocols.find((p) => p.spec.frr!.reader.routerLine === t)!;
      block = { kind: "protocol", protocol };
      protocol.seen = true;
    } else if (w[0] === "router") {
      block = { kind: "other", name: t };
      otherProtocols.push(t);
    } else if (w[0] === "ip" && w[1] === "route") {
      const dest = parseRouteDest(w[2] ?? "");
      const gw = parseAddress(w[3] ?? "");
      if (!dest.ok) diag.error(dest.error, at(2));
      else if (!gw.ok) unmapped.push(`${t} (only routes via a gateway address are simulated)`);
      else out.statics.push({ dest: dest.value, gateway: gw.value, at: at(0) });
    } else if (!HARMLESS.test(t)) unmapped.push(t);
  });

  // The first protocol configured runs (routelab runs one per node).
  const configured = protocols.find((p) => p.seen);
  if (otherProtocols.length && !configured) {
    const fallback = routingSpec(DEFAULT_ROUTING)!;
    out.notes.push(`${otherProtocols.join(", ")} not simulated: this router runs ${fallback.label} instead`);
    out.routing = fallback.name;
  } else if (otherProtocols.length) out.notes.push(`${otherProtocols.join(", ")} not simulated`);
  if (configured) {
    out.routing = configured.spec.name;
    const ifaces = [...out.addrs.keys()].filter((n) => !/^lo\d*$/.test(n));
    out.settings = configured.reading.finish(ifaces, out.notes);
  }
  if (unmapped.length)
    out.notes.push(
      `frr.conf lines not simulated: ${unmapped.slice(0, 6).join("; ")}${unmapped.length > 6 ? `; … (${unmapped.length})` : ""}`,
    );
  return out;
}

/** Column (0-based) of word `n` of a trimmed line. */
function colOf(t: string, n: number): number {
  let col = 0;
  for (let k = 0; k < n; k++) {
    col = t.indexOf(" ", col);
    if (col < 0) return 0;
    while (t[col] === " " || t[col] === "\t") col++;
  }
  return col;
}
