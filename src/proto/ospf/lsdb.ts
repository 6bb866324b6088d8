/**
 * @module proto/ospf/lsdb
 * The link state database of area 0 (RFC 2328 §12): LSAs by (type, link state ID, advertising
 * router), their ages — kept as the age at install and the install time, so ageing costs no
 * event per LSA (§14: an LSA's age is "incremented" by reading the clock) — and which of two
 * instances is newer (§13.1).
 */
import { type Ipv4, maskOf } from "../../core/ip.js";
import { type Nanos, SECOND } from "../../core/time.js";
import { get16 } from "../../wire/bytes.js";
import { emitLsa, LSA_MAX_AGE, type Lsa, type LsaHeader, readLsaHeader } from "../../wire/ospf-lsa.js";
import type { LsaEntry } from "./types.js";

/** MaxAgeDiff (RFC 2328 Appendix B): ages differing by more than this mean different instances. */
export const MAX_AGE_DIFF = 900;
/** LSRefreshTime, s (Appendix B): a router re-originates its LSAs this often. */
export const LS_REFRESH_TIME = 1800;
/** InitialSequenceNumber and MaxSequenceNumber (§12.1.6), signed. */
export const MAX_SEQ = 0x7fffffff;

export function lsaKey(type: number, id: Ipv4, adv: Ipv4): string {
  return `${type}:${id >>> 0}:${adv >>> 0}`;
}

export function headerKey(h: Pick<LsaHeader, "type" | "id" | "advRouter">): string {
  return lsaKey(h.type, h.id, h.advRouter);
}

/** The LSA's age now, s (at most MaxAge). */
export function ageOf(e: LsaEntry, now: Nanos): number {
  if (e.ageAtInstall >= LSA_MAX_AGE) return LSA_MAX_AGE;
  return Math.min(LSA_MAX_AGE, e.ageAtInstall + Math.floor((now - e.installedAt) / SECOND));
}

/** The entry's header with its current age. */
export function headerAt(e: LsaEntry, now: Nanos): LsaHeader {
  return { ...readLsaHeader(e.bytes, 0), age: ageOf(e, now) };
}

/** The LSA with its age now plus `add` (InfTransDelay when sent), for an LS Update. */
export function lsaAt(e: LsaEntry, now: Nanos, add = 0): Lsa {
  return { header: { ...e.lsa.header, age: Math.min(LSA_MAX_AGE, ageOf(e, now) + add) }, body: e.lsa.body };
}

/** An entry for `lsa` (its checksum and length computed), aged `age` now. */
export function makeEntry(lsa: Lsa, now: Nanos): LsaEntry {
  const bytes = emitLsa(lsa);
  const header = readLsaHeader(bytes, 0);
  return { lsa: { header, body: lsa.body }, bytes, ageAtInstall: get16(bytes, 0), installedAt: now };
}

/**
 * Which instance is newer (RFC 2328 §13.1): > 0 when `a` is, < 0 when `b` is, 0 when they are
 * the same instance. Sequence number, then checksum, then MaxAge, then an age difference
 * beyond MaxAgeDiff (the younger is newer).
 */
export function compareInstances(a: LsaHeader, b: LsaHeader): number {
  if (a.seq !== b.seq) return a.seq > b.seq ? 1 : -1;
  if (a.checksum !== b.checksum) return a.checksum > b.checksum ? 1 : -1;
  const aMax = a.age >= LSA_MAX_AGE;
  const bMax = b.age >= LSA_MAX_AGE;
  if (aMax !== bMax) return aMax ? 1 : -1;
  if (Math.abs(a.age - b.age) > MAX_AGE_DIFF) return a.age < b.age ? 1 : -1;
  return 0;
}

/** The database: entries by key, listed in a stable order (type, link state ID, advertising router). */
export class Lsdb {
  private byKey = new Map<string, LsaEntry>();

  get size(): number {
    return this.byKey.size;
  }

  get(key: string): LsaEntry | undefined {
    return this.byKey.get(key);
  }

  install(e: LsaEntry): void {
    this.byKey.set(headerKey(e.lsa.header), e);
  }

  remove(key: string): void {
    this.byKey.delete(key);
  }

  /** Every entry, sorted by type, then link state ID, then advertising router (as FRR lists them). */
  entries(): LsaEntry[] {
    const all = [...this.byKey.values()];
    const h = (e: LsaEntry) => e.lsa.header;
    return all.sort(
      (a, b) =>
        h(a).type - h(b).type ||
        (h(a).id >>> 0) - (h(b).id >>> 0) ||
        (h(a).advRouter >>> 0) - (h(b).advRouter >>> 0),
    );
  }

  /** The Router-LSA of `routerId`. */
  router(routerId: Ipv4): LsaEntry | undefined {
    return this.byKey.get(lsaKey(1, routerId, routerId));
  }

  /** The Network-LSA whose link state ID (the DR's interface address) is `id`. */
  network(id: Ipv4): LsaEntry | undefined {
    for (const e of this.byKey.values()) if (e.lsa.header.type === 2 && e.lsa.header.id === id) return e;
    return undefined;
  }
}

/** The network number of a Network-LSA (its ID masked). */
export function networkOf(e: LsaEntry): { dest: Ipv4; len: number; mask: number } {
  const body = e.lsa.body;
  const mask = body.kind === "network" ? body.mask : 0xffffffff;
  let len = 0;
  while (len < 32 && ((mask >>> (31 - len)) & 1) === 1) len++;
  return { dest: (e.lsa.header.id & maskOf(len)) >>> 0, len, mask };
}
