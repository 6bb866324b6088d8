/**
 * @module proto/ospf/nsm
 * The neighbour state machine of RFC 2328 §10.3, driven by Hellos (§10.5), the database
 * exchange (§10.6 receiving, §10.8 sending Database Description packets, master/slave with the
 * I, M and MS bits) and LS Requests (§10.7, §10.9), with per-neighbour inactivity and
 * retransmission timers. Flooding (LS Update, LS Ack) is flood.ts.
 */
import type { Ipv4 } from "../../core/ip.js";
import { SECOND } from "../../core/time.js";
import { DD_INIT, DD_MASTER, DD_MORE, OSPF_OPT_E, type OspfRepr } from "../../wire/ospf.js";
import { LSA_MAX_AGE, LSA_NETWORK, LSA_ROUTER, type LsaHeader } from "../../wire/ospf-lsa.js";
import { onLsAck, onLsUpdate } from "./flood.js";
import { compareInstances, headerAt, headerKey, lsaAt } from "./lsdb.js";
import type { OspfDaemon } from "./ospf.js";
import {
  DD_HEADERS_MAX,
  neighborDestination,
  sendBytes,
  sendDd,
  sendLsRequest,
  sendLsUpdate,
} from "./packets.js";
import { nbrAtLeast, type Neighbor, type NbrState, type OspfIface } from "./types.js";

type Hello = Extract<OspfRepr["body"], { type: "hello" }>;
type Dd = Extract<OspfRepr["body"], { type: "dd" }>;

/** A received packet, past packets.ts's checks, to its handler. */
export function onPacket(d: OspfDaemon, oi: OspfIface, src: Ipv4, p: OspfRepr): void {
  const body = p.body;
  if (body.type === "hello") {
    oi.helloIn++;
    onHello(d, oi, src, p.routerId, body);
    return;
  }
  const nbr = oi.neighbors.get(p.routerId);
  if (!nbr) return;
  if (body.type === "dd") {
    oi.ddIn++;
    onDd(d, oi, nbr, body);
  } else if (body.type === "ls-request") {
    oi.lsrIn++;
    if (!nbrAtLeast(nbr.state, "Exchange")) return;
    onLsRequest(d, oi, nbr, body.requests);
  } else if (body.type === "ls-update") {
    oi.lsuIn++;
    if (nbrAtLeast(nbr.state, "Exchange")) onLsUpdate(d, oi, nbr, body.lsas);
  } else {
    oi.lsAckIn++;
    if (nbrAtLeast(nbr.state, "Exchange")) onLsAck(d, nbr, body.lsaHeaders);
  }
}

function setState(d: OspfDaemon, oi: OspfIface, nbr: Neighbor, state: NbrState): void {
  if (nbr.state === state) return;
  const wasFull = nbr.state === "Full";
  const was2Way = nbrAtLeast(nbr.state, "2-Way");
  nbr.state = state;
  nbr.stateSince = d.now;
  nbr.events++;
  if (wasFull !== (state === "Full")) {
    d.originateRouterLsa();
    if (oi.state === "DR") d.originateNetworkLsa(oi);
  }
  // NeighborChange (§9.2): a neighbour reaching or leaving 2-Way re-runs the election.
  if (oi.type === "broadcast" && was2Way !== nbrAtLeast(state, "2-Way") && oi.state !== "Waiting")
    d.electDr(oi);
}

/** §10.4: whether an adjacency should form with `nbr` on `oi`. */
export function adjacencyWanted(oi: OspfIface, nbr: Neighbor): boolean {
  if (oi.type === "point-to-point") return true;
  if (oi.state === "Waiting") return false;
  return oi.state === "DR" || oi.state === "Backup" || nbr.addr === oi.dr || nbr.addr === oi.bdr;
}

/** AdjOK? (§10.3): start an adjacency that is wanted, or drop one that is not. */
export function toTwoWayOrExStart(d: OspfDaemon, oi: OspfIface, nbr: Neighbor, wanted: boolean): void {
  if (nbr.state === "2-Way" && wanted) startExchange(d, oi, nbr);
  else if (nbrAtLeast(nbr.state, "ExStart") && !wanted) {
    clearLists(nbr);
    stopRxmt(nbr);
    setState(d, oi, nbr, "2-Way");
  }
}

function clearLists(nbr: Neighbor): void {
  nbr.summary = [];
  nbr.requests.clear();
  nbr.retransmit.clear();
  nbr.lastDdSent = undefined;
  nbr.lastDdRecv = undefined;
}

function stopRxmt(nbr: Neighbor): void {
  nbr.rxmt?.cancel();
  nbr.rxmt = null;
}

/** KillNbr, InactivityTimer, LLDown (§10.3): the neighbour forgotten. */
export function killNeighbor(d: OspfDaemon, oi: OspfIface, nbr: Neighbor, electAfter = true): void {
  nbr.inactivity?.cancel();
  stopRxmt(nbr);
  clearLists(nbr);
  oi.neighbors.delete(nbr.routerId);
  if (!electAfter) {
    nbr.state = "Down";
    return;
  }
  setState(d, oi, nbr, "Down");
}

function newNeighbor(d: OspfDaemon, routerId: Ipv4, src: Ipv4): Neighbor {
  return {
    ...{ routerId, addr: src, priority: 0, dr: 0, bdr: 0, options: 0, state: "Down" as NbrState },
    ...{
      stateSince: d.now,
      master: false,
      ddSeq: 0,
      summary: [],
      requests: new Map(),
      retransmit: new Map(),
    },
    ...{ inactivity: null, deadAt: 0, rxmt: null, events: 0 },
  };
}

/** §10.5: a Hello checked against the interface's parameters, then the neighbour's events. */
function onHello(d: OspfDaemon, oi: OspfIface, src: Ipv4, routerId: Ipv4, h: Hello): void {
  if (h.helloInterval * SECOND !== d.config.hello || h.deadInterval * SECOND !== d.config.dead) return;
  if (oi.type === "broadcast" && h.mask !== (0xffffffff << (32 - oi.len)) >>> 0) return;
  if ((h.options & OSPF_OPT_E) !== OSPF_OPT_E) return;
  let nbr = oi.neighbors.get(routerId);
  if (!nbr) {
    nbr = newNeighbor(d, routerId, src);
    oi.neighbors.set(routerId, nbr);
  }
  const before = { priority: nbr.priority, dr: nbr.dr, bdr: nbr.bdr };
  Object.assign(nbr, { addr: src, priority: h.priority, dr: h.dr, bdr: h.bdr, options: h.options });
  // HelloReceived: Down -> Init, and the inactivity timer restarted.
  if (nbr.state === "Down") setState(d, oi, nbr, "Init");
  restartInactivity(d, oi, nbr);
  if (!h.neighbors.includes(d.routerId)) {
    // 1-WayReceived.
    if (nbrAtLeast(nbr.state, "2-Way")) {
      clearLists(nbr);
      stopRxmt(nbr);
      setState(d, oi, nbr, "Init");
    }
    return;
  }
  if (nbr.state === "Init") {
    setState(d, oi, nbr, "2-Way");
    if (adjacencyWanted(oi, nbr)) startExchange(d, oi, nbr);
  }
  if (oi.type !== "broadcast") return;
  const declaresDr = h.dr === src;
  const declaresBdr = h.bdr === src;
  if (oi.state === "Waiting") {
    // BackupSeen (§9.3): the network has a BDR, or a DR and no BDR.
    if (declaresBdr || (declaresDr && h.bdr === 0)) {
      oi.wait?.cancel();
      oi.wait = null;
      d.electDr(oi);
    }
    return;
  }
  const wasDr = before.dr === src;
  const wasBdr = before.bdr === src;
  if (before.priority !== h.priority || wasDr !== declaresDr || wasBdr !== declaresBdr) d.electDr(oi);
}

function restartInactivity(d: OspfDaemon, oi: OspfIface, nbr: Neighbor): void {
  nbr.inactivity?.cancel();
  nbr.deadAt = d.now + d.config.dead;
  nbr.inactivity = d.host.timer(d.config.dead, () => {
    nbr.inactivity = null;
    killNeighbor(d, oi, nbr);
  });
}

/** Entering ExStart (§10.8): we claim master with a new DD sequence number and an empty I|M|MS packet. */
function startExchange(d: OspfDaemon, oi: OspfIface, nbr: Neighbor): void {
  clearLists(nbr);
  setState(d, oi, nbr, "ExStart");
  nbr.master = false; // we are master until told otherwise: `master` says whether the neighbour is
  nbr.ddSeq = d.host.rng.int(1, 0x7fffffff);
  sendDd(d, oi, nbr, DD_INIT | DD_MORE | DD_MASTER, []);
  startRxmt(d, oi, nbr);
}

/** One retransmission timer per neighbour (§10.8, §13.6): DD as master, LS Requests, unacknowledged LSAs. */
function startRxmt(d: OspfDaemon, oi: OspfIface, nbr: Neighbor): void {
  stopRxmt(nbr);
  nbr.rxmt = d.host.timer(d.config.retransmit, () => {
    nbr.rxmt = null;
    if (!nbrAtLeast(nbr.state, "ExStart")) return;
    const dst = neighborDestination(oi, nbr);
    if (nbr.lastDdSent && (nbr.state === "ExStart" || (nbr.state === "Exchange" && !nbr.master))) {
      oi.ddOut++;
      sendBytes(d, oi, dst, nbr.lastDdSent);
    }
    if (nbr.state === "Exchange" || nbr.state === "Loading") sendLsRequest(d, oi, nbr);
    if (nbr.retransmit.size > 0)
      sendLsUpdate(
        d,
        oi,
        dst,
        [...nbr.retransmit.values()].map((e) => lsaAt(e, d.now, 1)),
      );
    startRxmt(d, oi, nbr);
  });
}

/** SeqNumberMismatch and BadLSReq (§10.3): back to ExStart. */
export function restartExchange(d: OspfDaemon, oi: OspfIface, nbr: Neighbor): void {
  setState(d, oi, nbr, "2-Way");
  startExchange(d, oi, nbr);
}

/** §10.6: a Database Description packet by the neighbour's state. */
function onDd(d: OspfDaemon, oi: OspfIface, nbr: Neighbor, dd: Dd): void {
  // Init: 2-WayReceived first, and on in ExStart if an adjacency is wanted (§10.6; FRR
  // ospf_packet.c ospf_db_desc: OSPF_NSM_EVENT_EXECUTE(nbr, NSM_TwoWayReceived)).
  if (nbr.state === "Init") {
    setState(d, oi, nbr, "2-Way");
    if (adjacencyWanted(oi, nbr)) startExchange(d, oi, nbr);
  }
  if (nbr.state === "2-Way" || nbr.state === "Down") return;
  const dup =
    nbr.lastDdRecv !== undefined &&
    nbr.lastDdRecv.flags === dd.flags &&
    nbr.lastDdRecv.seq === dd.seq &&
    nbr.lastDdRecv.options === dd.options;
  if (nbr.state === "ExStart") {
    const empty = dd.lsaHeaders.length === 0;
    if ((dd.flags & 7) === 7 && empty && nbr.routerId > d.routerId) {
      nbr.master = true; // it is master, we are slave
      nbr.ddSeq = dd.seq;
      negotiationDone(d, oi, nbr);
    } else if (
      (dd.flags & (DD_INIT | DD_MASTER)) === 0 &&
      dd.seq === nbr.ddSeq &&
      nbr.routerId < d.routerId
    ) {
      nbr.master = false;
      negotiationDone(d, oi, nbr);
    } else return;
  } else if (dup) {
    // A slave answers the master's duplicate with its last packet again; a master ignores it.
    if (nbr.master && nbr.lastDdSent) {
      oi.ddOut++;
      sendBytes(d, oi, neighborDestination(oi, nbr), nbr.lastDdSent);
    }
    return;
  } else if (nbr.state !== "Exchange") {
    restartExchange(d, oi, nbr);
    return;
  } else if (
    ((dd.flags & DD_MASTER) !== 0) !== nbr.master ||
    (dd.flags & DD_INIT) !== 0 ||
    (nbr.lastDdRecv && dd.options !== nbr.lastDdRecv.options) ||
    dd.seq !== (nbr.master ? (nbr.ddSeq + 1) >>> 0 : nbr.ddSeq)
  ) {
    restartExchange(d, oi, nbr);
    return;
  }
  nbr.lastDdRecv = { flags: dd.flags, seq: dd.seq, options: dd.options };
  if (!wantHeaders(d, oi, nbr, dd.lsaHeaders)) return;
  const more = (dd.flags & DD_MORE) !== 0;
  if (nbr.master) {
    // Slave: echo the master's sequence number with our next headers.
    nbr.ddSeq = dd.seq;
    const headers = nbr.summary.splice(0, DD_HEADERS_MAX);
    const ourMore = nbr.summary.length > 0;
    sendDd(d, oi, nbr, ourMore ? DD_MORE : 0, headers);
    if (!more && !ourMore) exchangeDone(d, oi, nbr);
  } else {
    // Master: the slave acknowledged our packet.
    nbr.ddSeq = (nbr.ddSeq + 1) >>> 0;
    const weSentMore = nbr.lastDdSent ? (nbr.lastDdSent[24 + 3]! & DD_MORE) !== 0 : true;
    if (!weSentMore && !more) {
      exchangeDone(d, oi, nbr);
      return;
    }
    const headers = nbr.summary.splice(0, DD_HEADERS_MAX);
    sendDd(d, oi, nbr, DD_MASTER | (nbr.summary.length > 0 ? DD_MORE : 0), headers);
  }
}

/** NegotiationDone (§10.3): the database summary list made, state Exchange. */
function negotiationDone(d: OspfDaemon, oi: OspfIface, nbr: Neighbor): void {
  nbr.summary = [];
  for (const e of d.db.entries()) {
    const h = headerAt(e, d.now);
    if (h.age >= LSA_MAX_AGE) nbr.retransmit.set(headerKey(h), e);
    else nbr.summary.push(h);
  }
  // A master's first packet with headers goes out once the slave's reply is processed (onDd).
  setState(d, oi, nbr, "Exchange");
}

/** The DD's headers onto the request list where ours is older or missing; false on a bad LS type. */
function wantHeaders(d: OspfDaemon, oi: OspfIface, nbr: Neighbor, headers: LsaHeader[]): boolean {
  for (const h of headers) {
    if (h.type !== LSA_ROUTER && h.type !== LSA_NETWORK) {
      restartExchange(d, oi, nbr);
      return false;
    }
    const key = headerKey(h);
    const mine = d.db.get(key);
    if (!mine || compareInstances(h, headerAt(mine, d.now)) > 0) nbr.requests.set(key, h);
  }
  return true;
}

/** ExchangeDone (§10.3): Full when nothing is wanted, else Loading with requests out. */
function exchangeDone(d: OspfDaemon, oi: OspfIface, nbr: Neighbor): void {
  if (nbr.requests.size === 0) setState(d, oi, nbr, "Full");
  else {
    setState(d, oi, nbr, "Loading");
    sendLsRequest(d, oi, nbr);
  }
}

/** LoadingDone (§10.3) once the request list is empty. */
export function checkLoadingDone(d: OspfDaemon, oi: OspfIface, nbr: Neighbor): void {
  if (nbr.state === "Loading" && nbr.requests.size === 0) setState(d, oi, nbr, "Full");
  else if (nbr.state === "Loading") sendLsRequest(d, oi, nbr);
}

/** §10.7: the LSAs asked for, in LS Updates; a request for one we lack is BadLSReq. */
function onLsRequest(
  d: OspfDaemon,
  oi: OspfIface,
  nbr: Neighbor,
  reqs: { type: number; id: Ipv4; advRouter: Ipv4 }[],
) {
  const lsas = [];
  for (const r of reqs) {
    const e = d.db.get(headerKey(r));
    if (!e) {
      restartExchange(d, oi, nbr);
      return;
    }
    lsas.push(lsaAt(e, d.now, 1));
  }
  sendLsUpdate(d, oi, neighborDestination(oi, nbr), lsas);
}
