/**
 * @module topology/test-util
 * Helpers for the topology tests: the faults a parse throws as `err.format()` lines, and a
 * topology's links as one line each.
 */
import { LabError, LabErrors } from "../core/errors.js";
import { formatIpv4, formatPrefix } from "../core/ip.js";
import type { Topology } from "./model.js";

/** Runs `f` and returns the formatted lines of the LabError(s) it throws; fails if it does not throw one. */
export function faults(f: () => unknown): string[] {
  try {
    f();
  } catch (e) {
    if (e instanceof LabErrors) return e.errors.map((x) => x.format());
    if (e instanceof LabError) return [e.format()];
    throw e;
  }
  throw new Error("expected a LabError, but the topology loaded");
}

/** `A:iface addr  B:iface addr  subnet` per link, for comparing whole networks at a glance. */
export function linkRows(t: Topology): string[] {
  return t.links.map(
    (l) =>
      `${l.a.node}:${l.a.iface} ${formatIpv4(l.a.addr)} ${l.b.node}:${l.b.iface} ${formatIpv4(l.b.addr)} ${formatPrefix({ addr: l.subnet, len: l.len })}`,
  );
}

/** The table of ../shared/seed/README.md. */
export const SEED_ROWS = [
  "vm1:epair0a 10.0.10.1 vm2:epair0b 10.0.10.2 10.0.10.0/24",
  "vm1:epair1a 10.0.20.1 vm3:epair1b 10.0.20.2 10.0.20.0/24",
  "vm2:epair2a 10.0.30.1 vm3:epair2b 10.0.30.2 10.0.30.0/24",
  "vm1:epair3a 10.0.40.1 vm4:epair3b 10.0.40.2 10.0.40.0/24",
  "vm1:epair4a 10.0.50.1 vm5:epair4b 10.0.50.2 10.0.50.0/24",
  "vm2:epair5a 10.0.60.1 vm6:epair5b 10.0.60.2 10.0.60.0/24",
  "vm2:epair6a 10.0.70.1 vm7:epair6b 10.0.70.2 10.0.70.0/24",
  "vm3:epair7a 10.0.80.1 vm8:epair7b 10.0.80.2 10.0.80.0/24",
  "vm3:epair8a 10.0.90.1 vm9:epair8b 10.0.90.2 10.0.90.0/24",
];
