/**
 * @module topology/parse-frr
 * Reads the parts of an FRR `frr.conf` that a simulated router can honour (issue 10 import):
 * interface addresses, static routes (`ip route P GATEWAY`) and RIP settings (`router rip`:
 * version, `timers basic`, per-interface split horizon). Everything else is listed in `notes`
 * — an OSPF or BGP block, passive interfaces, redistribution — so that nothing is dropped
 * silently. Malformed addresses and routes are errors with the frr.conf's file:line:col.
 *
 * FRR's own defaults apply to what the file leaves out: plain split horizon on every RIP
 * interface (`ip rip split-horizon`, FRR's default, unlike routelab's poisoned reverse), timers
 * 30/180/120 s. A node whose file configures no routing protocol runs static routing; one
 * configured for OSPF, BGP or another protocol routelab does not simulate runs RIP, the closest
 * dynamic routing it has, with a note.
 */
import type { SourcePos } from "../core/errors.js";
import type { Ipv4 } from "../core/ip.js";
import { SECOND } from "../core/time.js";
import type { Diagnostics } from "./diag.js";
import type { DraftStatic } from "./draft.js";
import type { RipSettings, SplitHorizon } from "./model.js";
import { parseAddress, parseHostAddress, parseRouteDest } from "./values.js";

export interface FrrConf {
  hostname?: string;
  /** First address of each interface, as `ip address A/L` gives it. */
  addrs: Map<string, { addr: Ipv4; len: number; at: SourcePos }>;
  statics: DraftStatic[];
  /** `static` when the file configures no routing protocol; otherwise `rip` (the one simulated). */
  routing: "rip" | "static";
  rip: Partial<RipSettings>;
  /** What could not be mapped, for the user. */
  notes: string[];
}

/** Lines that configure nothing a simulated router models and need no mention. */
const HARMLESS =
  /^(frr (version|defaults)|log |service |no ipv6 forwarding|ip forwarding|end$|line vty|exit$|description )/;

/** Statements of FRR's configuration node: at the left margin they end an `interface` or `router` block. */
const TOP_LEVEL =
  /^(interface|router|hostname|log|line|end|frr|service|password|enable|debug|access-list|route-map|key|vrf|bfd|agentx|segment-routing|(no )?(ip|ipv6) (route|forwarding|prefix-list|protocol|nht|import-table)\b)/;

/** Version 2 only on an interface: what routelab speaks anyway (topology/frr-config writes it). */
const RIP_V2_ONLY = /^ip rip (send|receive) version 2$/;

/** Parses frr.conf text; faults go to `diag` with `file` as their file. */
export function parseFrrConf(text: string, file: string, diag: Diagnostics): FrrConf {
  const out: FrrConf = { addrs: new Map(), statics: [], routing: "static", rip: {}, notes: [] };
  const unmapped: string[] = [];
  const ifaceMode = new Map<string, SplitHorizon>();
  let block:
    | { kind: "interface"; name: string }
    | { kind: "rip" }
    | { kind: "other"; name: string }
    | undefined;
  let ripSeen = false;
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
    // Kathará's labs write `router rip` / `network …` all at the left margin. A top-level
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
      } else if (t === "ip rip split-horizon") ifaceMode.set(name, "simple");
      else if (t === "ip rip split-horizon poisoned-reverse") ifaceMode.set(name, "poisoned");
      else if (t === "no ip rip split-horizon") ifaceMode.set(name, "off");
      else if (!HARMLESS.test(t) && !RIP_V2_ONLY.test(t)) unmapped.push(`${name}: ${t}`);
      return;
    }
    if (block?.kind === "rip") {
      if (w[0] === "version") {
        if (w[1] === "1") out.rip.version = 1;
        else if (w[1] !== "2")
          unmapped.push(`router rip: version ${w[1] ?? "?"} (routelab speaks RIP version 1 or 2)`);
      } else if (w[0] === "timers" && w[1] === "basic") {
        const secs = w.slice(2, 5).map(Number);
        if (secs.length !== 3 || !secs.every((n) => Number.isInteger(n) && n > 0))
          diag.error(`'${t}': expected 'timers basic UPDATE TIMEOUT GARBAGE' in seconds`, at(2));
        else [out.rip.update, out.rip.timeout, out.rip.garbage] = secs.map((n) => n * SECOND);
      } else if (w[0] === "network" || (w[0] === "redistribute" && w[1] === "connected")) {
        // routelab runs RIP on every interface of a RIP router and advertises connected subnets.
      } else if (!HARMLESS.test(t)) unmapped.push(`router rip: ${t}`);
      return;
    }

    if (w[0] === "hostname") out.hostname = w[1];
    else if (w[0] === "interface" && w[1]) block = { kind: "interface", name: w[1] };
    else if (t === "router rip") {
      block = { kind: "rip" };
      ripSeen = true;
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

  if (otherProtocols.length && !ripSeen)
    out.notes.push(`${otherProtocols.join(", ")} not simulated: this router runs RIP instead`);
  else if (otherProtocols.length) out.notes.push(`${otherProtocols.join(", ")} not simulated`);
  if (otherProtocols.length) out.routing = "rip";
  if (ripSeen) {
    out.routing = "rip";
    // FRR's default on an interface without a split-horizon line is plain split horizon.
    const modes = [...out.addrs.keys()]
      .filter((n) => !/^lo\d*$/.test(n))
      .map((n) => ifaceMode.get(n) ?? "simple");
    const counts = new Map<SplitHorizon, number>();
    for (const m of modes) counts.set(m, (counts.get(m) ?? 0) + 1);
    const best = [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? "simple";
    out.rip.splitHorizon = best;
    if (counts.size > 1) out.notes.push(`split horizon differs between interfaces: '${best}' used on all`);
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
