/**
 * @module shell/cmd/iptables-list
 * `iptables -L` output, as iptables 1.8.9 prints it (iptables/xshared.c print_header and
 * print_rule's helpers; libxtables/xtables.c xtables_print_num; the tcp/udp matches' and the
 * REDIRECT/DNAT targets' print functions). Checked byte for byte against
 * test/fixtures/linux/iptables-*.txt, which that iptables wrote. Notes from the source:
 * - counters with `-v`: `%5llu ` up to 99999, then rounded thousands `%4lluK ` (M, G, T); with
 *   `-x` exact `%8llu ` / `%10llu `-wide headers; the policy's counters unpadded;
 * - 1.8.9 prints the protocol as its number (`6`, `17`, `0` for any);
 * - every match and target text begins with a blank (` tcp dpt:22`, ` redir ports 50022`,
 *   ` to:192.168.20.200:8080`), after the destination column's own trailing blank.
 */
import { formatIpv4 } from "../../core/ip.js";
import { left, right } from "../../apps/cfmt.js";
import type { NatChainState, NatRule } from "../../sim/netfilter.js";

export interface ListFormat {
  verbose: boolean;
  exact: boolean;
  lineNumbers: boolean;
}

/** xtables_print_num: a counter in its column (or unpadded for the policy line). */
export function printNum(n: number, f: ListFormat, table = true): string {
  if (f.exact || !f.verbose) return table ? `${right(String(n), 8)} ` : `${n} `;
  if (n <= 99999) return table ? `${right(String(n), 5)} ` : `${n} `;
  let v = n;
  for (const unit of ["K", "M", "G"]) {
    v = Math.floor((v + 500) / 1000);
    if (v <= 9999) return table ? `${right(String(v), 4)}${unit} ` : `${v}${unit} `;
  }
  v = Math.floor((v + 500) / 1000);
  return table ? `${right(String(v), 4)}T ` : `${v}T `;
}

function prefixText(p: { addr: number; len: number } | undefined): string {
  if (p === undefined) return "0.0.0.0/0";
  return p.len === 32 ? formatIpv4(p.addr) : `${formatIpv4(p.addr)}/${p.len}`;
}

/** The text of a rule's matches and target, each with its leading blank. */
function extras(r: NatRule): string {
  let s = "";
  if ((r.proto === 6 || r.proto === 17) && (r.sport !== undefined || r.dport !== undefined)) {
    s += r.proto === 6 ? " tcp" : " udp";
    if (r.sport !== undefined) s += ` spt:${r.sport}`;
    if (r.dport !== undefined) s += ` dpt:${r.dport}`;
  }
  const t = r.target;
  if (t.kind === "REDIRECT" && t.toPort !== undefined) s += ` redir ports ${t.toPort}`;
  if (t.kind === "DNAT") s += ` to:${formatIpv4(t.addr)}${t.port !== undefined ? `:${t.port}` : ""}`;
  return s;
}

function header(name: string, c: { pkts: number; bytes: number }, f: ListFormat): string {
  let s = `Chain ${name} (policy ACCEPT`;
  if (f.verbose) s += ` ${printNum(c.pkts, f, false)}packets, ${printNum(c.bytes, f, false)}bytes`;
  s += ")\n";
  if (f.lineNumbers) s += "num  ";
  if (f.verbose) s += f.exact ? `${right("pkts", 8)} ${right("bytes", 10)} ` : " pkts bytes ";
  s += `${left("target", 9)}  prot opt`;
  if (f.verbose) s += ` ${left("in", 6)} ${left("out", 6)} `;
  s += ` ${left("source", 19)}  ${left("destination", 19)} \n`;
  return s;
}

function ruleLine(r: NatRule, num: number, f: ListFormat): string {
  let s = f.lineNumbers ? `${left(String(num), 4)} ` : "";
  if (f.verbose) {
    const nf: ListFormat = { ...f };
    s += f.exact
      ? `${right(String(r.pkts), 8)} ${right(String(r.bytes), 8)} `
      : printNum(r.pkts, nf) + printNum(r.bytes, nf);
  }
  s += `${left(r.target.kind, 9)}  ${left(String(r.proto ?? 0), 5)}-- `;
  if (f.verbose) s += ` ${left(r.inIface ?? "*", 6)} ${left(r.outIface ?? "*", 6)} `;
  s += ` ${left(prefixText(r.src), 19)}  ${left(prefixText(r.dst), 19)} ${extras(r)}\n`;
  return s;
}

/** One chain's listing: header, rules. */
export function listChain(name: string, c: NatChainState, f: ListFormat): string {
  return header(name, c, f) + c.rules.map((r, k) => ruleLine(r, k + 1, f)).join("");
}

/** Chains separated by a blank line, as `iptables -L` without a chain prints a table. */
export function listChains(chains: [string, NatChainState][], f: ListFormat): string {
  return chains.map(([n, c]) => listChain(n, c, f)).join("\n");
}
