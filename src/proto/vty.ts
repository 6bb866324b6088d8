/**
 * @module proto/vty
 * What FRR's command line shares between daemons, for the protocols' `vtysh` hooks
 * (registry.ts `RoutingProtocol.vtysh`) and the shell's vtysh front end (shell/cmd/vtysh.ts):
 * FRR's time intervals and its keyword abbreviations.
 */

const DAY = 86_400;
const WEEK = 7 * DAY;

const two = (n: number) => String(n).padStart(2, "0");

/**
 * FRR's `frrtime_to_interval` (lib/monotime.h:144-161 at frr-8.4.4): `HH:MM:SS` under a day,
 * `DdHHhMMm` under a week, `WWwDdHHh` after — the uptime of `show ip route`, the Last Update of
 * `show ip rip status`. `secs` is whole seconds (FRR's time_t).
 */
export function frrInterval(secs: number): string {
  const t = Math.max(0, Math.floor(secs));
  const yday = Math.floor(t / DAY);
  const h = Math.floor((t % DAY) / 3600);
  const m = Math.floor((t % 3600) / 60);
  const s = t % 60;
  if (t < DAY) return `${two(h)}:${two(m)}:${two(s)}`;
  if (t < WEEK) return `${yday}d${two(h)}h${two(m)}m`;
  return `${two(Math.floor(yday / 7))}w${yday % 7}d${two(h)}h`;
}

/**
 * `strftime("%M:%S")` of a remaining time, as ripd's `rip_vty_out_uptime` prints a route's
 * timer (ripd/ripd.c:2935-2954 at frr-8.4.4: minutes wrap at an hour, as gmtime's do).
 */
export function minSec(secs: number): string {
  const t = Math.max(0, Math.floor(secs));
  return `${two(Math.floor((t % 3600) / 60))}:${two(t % 60)}`;
}

/**
 * The keyword a typed word stands for among `keywords` (FRR takes any unambiguous prefix:
 * `sh ip ro`), "ambiguous" when it begins several, undefined when none.
 */
export function keyword(word: string, keywords: readonly string[]): string | "ambiguous" | undefined {
  const w = word.toLowerCase();
  if (keywords.includes(w)) return w;
  const hits = keywords.filter((k) => k.startsWith(w));
  return hits.length === 1 ? hits[0] : hits.length > 1 ? "ambiguous" : undefined;
}
