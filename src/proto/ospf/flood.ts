/**
 * @module proto/ospf/flood
 * Reliable flooding (RFC 2328 §13): an LS Update's LSAs checked and compared with the
 * database (§13 steps 1–8, §13.1), newer ones installed and flooded on (§13.3) onto the
 * neighbours' retransmission lists, acknowledged (§13.5, sent at once per received update
 * rather than on FRR's one-second delayed-ack timer), our own LSAs coming back newer answered
 * (§13.4), acknowledgments taken off the lists (§13.7), and MaxAge LSAs removed once no list
 * holds them and no exchange is under way (§14).
 */
import {
  emitLsa,
  LSA_MAX_AGE,
  LSA_NETWORK,
  LSA_ROUTER,
  type Lsa,
  type LsaHeader,
  readLsaHeader,
} from "../../wire/ospf-lsa.js";
import { compareInstances, headerAt, headerKey, lsaAt, MAX_SEQ } from "./lsdb.js";
import { checkLoadingDone, restartExchange } from "./nsm.js";
import { MIN_LS_ARRIVAL, type OspfDaemon } from "./ospf.js";
import { floodDestination, neighborDestination, sendAcks, sendLsUpdate } from "./packets.js";
import { nbrAtLeast, type LsaEntry, type Neighbor, type OspfIface } from "./types.js";

/** Whether some neighbour is exchanging databases (a MaxAge LSA must stay until it is done). */
function exchanging(d: OspfDaemon): boolean {
  for (const oi of d.ifaces)
    for (const n of oi.neighbors.values()) if (n.state === "Exchange" || n.state === "Loading") return true;
  return false;
}

/** An entry for a received LSA, or undefined when its LS checksum is wrong (§13 (1)). */
function entryOf(d: OspfDaemon, lsa: Lsa): LsaEntry | undefined {
  const bytes = emitLsa(lsa);
  const h = readLsaHeader(bytes, 0);
  if (h.checksum !== lsa.header.checksum) return undefined;
  return { lsa: { header: h, body: lsa.body }, bytes, ageAtInstall: h.age, installedAt: d.now };
}

/** §13: each LSA of an LS Update from `nbr`. */
export function onLsUpdate(d: OspfDaemon, oi: OspfIface, nbr: Neighbor, lsas: Lsa[]): void {
  const acks: LsaHeader[] = [];
  const direct: LsaHeader[] = [];
  const sendBack: Lsa[] = [];
  for (const lsa of lsas) {
    const h = lsa.header;
    if (h.type !== LSA_ROUTER && h.type !== LSA_NETWORK) continue;
    const entry = entryOf(d, lsa);
    if (!entry) continue;
    const key = headerKey(h);
    const cur = d.db.get(key);
    if (h.age >= LSA_MAX_AGE && !cur && !exchanging(d)) {
      direct.push(h); // (4): nothing to flush here
      continue;
    }
    const cmp = cur ? compareInstances(h, headerAt(cur, d.now)) : 1;
    if (cmp > 0) {
      if (cur && d.now - cur.installedAt < MIN_LS_ARRIVAL && !d.isSelfOriginated(h.type, h.id, h.advRouter))
        continue;
      const floodedBack = flood(d, entry, oi, nbr);
      if (d.isSelfOriginated(h.type, h.id, h.advRouter)) selfOriginated(d, entry);
      else d.install(entry);
      if (nbr.requests.delete(key)) checkLoadingDone(d, oi, nbr);
      if (!floodedBack && !(oi.state === "Backup" && nbr.addr !== oi.dr)) acks.push(h);
    } else if (nbr.requests.has(key)) {
      restartExchange(d, oi, nbr); // (6) BadLSReq
      return;
    } else if (cmp === 0) {
      if (nbr.retransmit.delete(key)) {
        if (oi.state === "Backup" && nbr.addr === oi.dr) acks.push(h); // implied acknowledgment
      } else direct.push(h);
    } else if (cur && !(ageOfMax(cur) && cur.lsa.header.seq === MAX_SEQ)) {
      sendBack.push(lsaAt(cur, d.now, 1)); // (8) ours is newer: send it back
    }
  }
  if (acks.length) sendAcks(d, oi, floodDestination(oi), acks);
  if (direct.length) sendAcks(d, oi, neighborDestination(oi, nbr), direct);
  if (sendBack.length) sendLsUpdate(d, oi, neighborDestination(oi, nbr), sendBack);
}

function ageOfMax(e: LsaEntry): boolean {
  return e.ageAtInstall >= LSA_MAX_AGE;
}

/**
 * §13.4: a newer instance of one of our own LSAs came back (from before a restart, or a
 * flush). If we still originate it, a newer instance beats it; otherwise it is flushed.
 */
function selfOriginated(d: OspfDaemon, entry: LsaEntry): void {
  d.install(entry);
  const h = entry.lsa.header;
  if (h.age >= LSA_MAX_AGE) return;
  const oi = h.type === LSA_NETWORK ? d.ifaces.find((i) => i.addr === h.id) : undefined;
  const stillOurs = h.advRouter === d.routerId && (h.type === LSA_ROUTER || oi?.state === "DR");
  if (!stillOurs) {
    d.flush(headerKey(h));
    return;
  }
  // Re-originate what we have now, numbered past the stray instance.
  if (h.type === LSA_ROUTER) {
    d.originateNow(h.type, h.id, entry.lsa.body, h.seq + 1);
    d.originateRouterLsa();
  } else if (oi) {
    d.originateNow(h.type, h.id, entry.lsa.body, h.seq + 1);
    d.originateNetworkLsa(oi);
  }
}

/**
 * §13.3: `entry` onto the retransmission list of every neighbour in Exchange or later that
 * does not already have it, and out of every interface where one took it. Returns whether it
 * went back out of the interface it came in on.
 */
export function flood(d: OspfDaemon, entry: LsaEntry, fromOi?: OspfIface, from?: Neighbor): boolean {
  const key = headerKey(entry.lsa.header);
  let floodedBack = false;
  for (const oi of d.ifaces) {
    if (oi.state === "Down") continue;
    let added = false;
    for (const n of oi.neighbors.values()) {
      if (!nbrAtLeast(n.state, "Exchange")) continue;
      const req = n.requests.get(key);
      if (req && (n.state === "Exchange" || n.state === "Loading")) {
        const c = compareInstances(entry.lsa.header, req);
        if (c < 0) continue;
        n.requests.delete(key);
        checkLoadingDone(d, oi, n);
        if (c === 0) continue;
      }
      if (n === from) continue;
      n.retransmit.set(key, entry);
      added = true;
    }
    if (!added) continue;
    if (oi === fromOi && from && (from.addr === oi.dr || from.addr === oi.bdr) && oi.type === "broadcast")
      continue;
    if (oi === fromOi && oi.state === "Backup") continue;
    if (oi === fromOi) floodedBack = true;
    sendLsUpdate(d, oi, floodDestination(oi), [lsaAt(entry, d.now, 1)]);
  }
  return floodedBack;
}

/** §13.2: a new instance replaces the old on every retransmission list. */
export function removeFromRetransmitLists(d: OspfDaemon, entry: LsaEntry): void {
  const key = headerKey(entry.lsa.header);
  for (const oi of d.ifaces) for (const n of oi.neighbors.values()) n.retransmit.delete(key);
}

/** §13.7: acknowledged instances leave `nbr`'s retransmission list. */
export function onLsAck(d: OspfDaemon, nbr: Neighbor, headers: LsaHeader[]): void {
  for (const h of headers) {
    const key = headerKey(h);
    const e = nbr.retransmit.get(key);
    if (e && compareInstances(h, headerAt(e, d.now)) === 0) nbr.retransmit.delete(key);
  }
  sweepMaxAge(d);
}

/** §14: MaxAge LSAs no list holds, with no exchange under way, leave the database. */
export function sweepMaxAge(d: OspfDaemon): void {
  if (exchanging(d)) return;
  for (const e of d.db.entries()) {
    if (!ageOfMax(e)) continue;
    const key = headerKey(e.lsa.header);
    let held = false;
    for (const oi of d.ifaces) for (const n of oi.neighbors.values()) if (n.retransmit.has(key)) held = true;
    if (!held) d.db.remove(key);
  }
}
