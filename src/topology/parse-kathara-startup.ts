/**
 * @module topology/parse-kathara-startup
 * A Kathará device's `NODE.startup` (a shell script Kathará runs in the container at boot):
 * the lines a simulated router can honour are read, every other one is listed with its line.
 * - addresses: `ip address add A/L dev IF` (also `ip addr`, `ip a`, `ip -4 …`) and
 *   `ifconfig IF A/L [up]` / `ifconfig IF A netmask M [broadcast B] [up]`;
 * - static routes: `ip route add P via G [dev IF]`, `route add -net P/L gw G`,
 *   `route add default gw G`;
 * - link shaping: `tc qdisc add dev IF root netem [delay D] [loss L%] [rate R]` (how Kathará
 *   labs and routelab's export shape links);
 * - harmless: FRR being started (`systemctl start frr`, `/etc/init.d/frr start`, `service frr
 *   start`), `ip link set … up`, comments.
 */
import type { SourcePos } from "../core/errors.js";
import type { Ipv4 } from "../core/ip.js";
import type { Nanos } from "../core/time.js";
import type { Diagnostics } from "./diag.js";
import type { DraftStatic } from "./draft.js";
import {
  parseAddress,
  parseBandwidth,
  parseDurationText,
  parseHostAddress,
  parseLoss,
  parseRouteDest,
} from "./values.js";

export interface StartupShape {
  delay?: Nanos;
  loss?: number;
  bandwidth?: number;
  at: SourcePos;
}

export interface Startup {
  addrs: Map<string, { addr: Ipv4; len?: number; at: SourcePos }>;
  statics: DraftStatic[];
  shapes: Map<string, StartupShape>;
  /** The script starts FRR. */
  startsFrr: boolean;
  /** `LINE: text` of every line not understood. */
  unread: string[];
}

const FRR_START =
  /^(systemctl (re)?start frr(\.service)?|\/etc\/init\.d\/frr (re)?start|service frr (re)?start)$/;

/** Parses a startup script's text; `file` names it in errors (diag) and positions. */
export function parseStartup(text: string, file: string, diag: Diagnostics): Startup {
  const out: Startup = { addrs: new Map(), statics: [], shapes: new Map(), startsFrr: false, unread: [] };
  text.split(/\r?\n/).forEach((raw, i) => {
    const t = raw.trim();
    if (t === "" || t.startsWith("#")) return;
    const at: SourcePos = { file, line: i + 1, col: raw.length - raw.trimStart().length + 1 };
    const w = t.split(/\s+/).filter((x, k) => !(k > 0 && k < 3 && /^-[46]$/.test(x)));
    const fault = (why: string) => diag.error(`'${t}': ${why}`, at);
    if (FRR_START.test(t)) out.startsFrr = true;
    else if (w[0] === "ip" && isWord(w[1], "address", 1) && w[2] === "add") ipAddress(w, at, out, fault);
    else if (w[0] === "ifconfig" && w[1] && w[2] && /^\d+\.\d/.test(w[2])) ifconfig(w, at, out, fault);
    else if (w[0] === "ip" && isWord(w[1], "route", 1) && w[2] === "add") ipRoute(w, at, out, fault);
    else if (w[0] === "route" && w[1] === "add") netToolsRoute(w, at, out, fault);
    else if (w[0] === "tc" && w[1] === "qdisc" && w[2] === "add" && w.includes("netem"))
      netem(w, at, out, fault);
    else if (w[0] === "ip" && isWord(w[1], "link", 1) && w[2] === "set" && w.at(-1) === "up") return;
    else out.unread.push(`${i + 1}: ${t}`);
  });
  return out;
}

/** `w` is a prefix of `word` at least `min` long (iproute2 takes `a`, `addr`, `address`). */
function isWord(w: string | undefined, word: string, min: number): boolean {
  return w !== undefined && w.length >= min && word.startsWith(w);
}

function ipAddress(w: string[], at: SourcePos, out: Startup, fault: (why: string) => void): void {
  let dev: string | undefined;
  let local: string | undefined;
  for (let k = 3; k < w.length; k++) {
    const x = w[k]!;
    if (x === "dev") dev = w[++k];
    else if (x === "peer")
      return void out.unread.push(
        `${at.line}: ${w.join(" ")} (point-to-point peer addresses are not simulated)`,
      );
    else if (["broadcast", "brd", "label", "scope", "valid_lft", "preferred_lft", "metric"].includes(x)) k++;
    else if (local === undefined) local = x;
  }
  if (local?.includes(":")) return void out.unread.push(`${at.line}: ${w.join(" ")} (IPv6 is not simulated)`);
  const a = parseHostAddress(local ?? "");
  if (!a.ok || !dev) return fault("expected 'ip address add A.B.C.D/LEN dev IFACE'");
  setAddr(out, dev, a.value.addr, a.value.len, at);
}

function ifconfig(w: string[], at: SourcePos, out: Startup, fault: (why: string) => void): void {
  const a = parseHostAddress(w[2]!);
  if (!a.ok)
    return fault("expected 'ifconfig IFACE A.B.C.D/LEN up' or 'ifconfig IFACE A.B.C.D netmask M up'");
  let len = a.value.len;
  const nm = w.indexOf("netmask");
  if (nm > 0) {
    const m = parseAddress(w[nm + 1] ?? "");
    len = m.ok ? maskLength(m.value) : undefined;
    if (len === undefined) return fault(`'${w[nm + 1] ?? ""}' is not a netmask (e.g. 255.255.255.0)`);
  }
  setAddr(out, w[1]!, a.value.addr, len, at);
}

function setAddr(out: Startup, iface: string, addr: Ipv4, len: number | undefined, at: SourcePos): void {
  if (out.addrs.has(iface))
    out.unread.push(`${at.line}: second address on ${iface} (one address per interface is simulated)`);
  else out.addrs.set(iface, len === undefined ? { addr, at } : { addr, len, at });
}

/** Prefix length of a contiguous netmask, undefined otherwise. */
function maskLength(mask: number): number | undefined {
  const inv = ~mask >>> 0;
  if ((inv & (inv + 1)) !== 0) return undefined;
  return 32 - Math.log2(inv + 1);
}

function ipRoute(w: string[], at: SourcePos, out: Startup, fault: (why: string) => void): void {
  const via = w.indexOf("via");
  if (w.slice(3).some((x) => x.includes(":")))
    return void out.unread.push(`${at.line}: ${w.join(" ")} (IPv6 is not simulated)`);
  const dest = parseRouteDest(w[3] ?? "");
  const gw = parseAddress(via > 0 ? (w[via + 1] ?? "") : "");
  if (!dest.ok) return fault(dest.error);
  if (!gw.ok)
    return void out.unread.push(`${at.line}: ${w.join(" ")} (only routes via a gateway are simulated)`);
  out.statics.push({ dest: dest.value, gateway: gw.value, at });
}

function netToolsRoute(w: string[], at: SourcePos, out: Startup, fault: (why: string) => void): void {
  const gwAt = w.indexOf("gw");
  const gw = parseAddress(gwAt > 0 ? (w[gwAt + 1] ?? "") : "");
  const target = w[2] === "-net" || w[2] === "-host" ? w[3] : w[2];
  let destText = target ?? "";
  const nm = w.indexOf("netmask");
  if (nm > 0) {
    const m = parseAddress(w[nm + 1] ?? "");
    const len = m.ok ? maskLength(m.value) : undefined;
    if (len === undefined) return fault(`'${w[nm + 1] ?? ""}' is not a netmask`);
    destText = `${destText}/${len}`;
  } else if (w[2] === "-host") destText = `${destText}/32`;
  const dest = parseRouteDest(destText);
  if (!dest.ok) return fault(dest.error);
  if (!gw.ok)
    return void out.unread.push(`${at.line}: ${w.join(" ")} (only routes via a gateway are simulated)`);
  out.statics.push({ dest: dest.value, gateway: gw.value, at });
}

/** `tc qdisc add dev IF root netem delay D loss L% rate R` (the parts present). */
function netem(w: string[], at: SourcePos, out: Startup, fault: (why: string) => void): void {
  const dev = w.indexOf("dev");
  const iface = dev > 0 ? w[dev + 1] : undefined;
  if (!iface) return fault("expected 'tc qdisc add dev IFACE root netem …'");
  const shape: StartupShape = { at };
  const value = (k: string) => {
    const i = w.indexOf(k);
    return i > 0 ? w[i + 1] : undefined;
  };
  const d = value("delay");
  const l = value("loss");
  const r = value("rate");
  if (d !== undefined) {
    const p = parseDurationText(d);
    if (!p.ok) return fault(p.error);
    shape.delay = p.value;
  }
  if (l !== undefined) {
    const p = parseLoss(l);
    if (!p.ok) return fault(p.error);
    shape.loss = p.value;
  }
  if (r !== undefined) {
    const p = parseBandwidth(r);
    if (!p.ok) return fault(p.error);
    shape.bandwidth = p.value;
  }
  const extra = w.slice(w.indexOf("netem") + 1).filter((x, k, all) => {
    const prev = all[k - 1];
    return !["delay", "loss", "rate"].includes(x) && !["delay", "loss", "rate"].includes(prev ?? "");
  });
  if (extra.length)
    out.unread.push(`${at.line}: netem ${extra.join(" ")} (only delay, loss and rate are simulated)`);
  out.shapes.set(iface, shape);
}
