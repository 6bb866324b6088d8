/**
 * @module cli/netns-options
 * What `run` and `up` pass to the netns engine: progress lines to standard error, and the
 * namespace prefix when `--prefix` names one (two labs of one topology at once need two).
 */
import type { NetnsLabOptions } from "../engines/netns/netns-lab.js";

export function netnsOptions(a: { prefix?: string | undefined; err: (s: string) => void }): NetnsLabOptions {
  const o: NetnsLabOptions = { log: (s) => a.err(`${s}\n`) };
  if (a.prefix !== undefined) o.prefix = a.prefix;
  return o;
}
