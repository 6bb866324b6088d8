/**
 * @module proto/ospf/packets
 * OSPF packets in and out (BIRD's packets.c beside ospf.c): building and sending Hello, DD, LS
 * Request, LS Update and LS Ack packets as IP protocol 89 (TTL 1, TOS 0xc0 as FRR sends them:
 * ospfd/ospf_network.c sets IPTOS_PREC_INTERNETCONTROL), and checking a received one before
 * the protocol logic sees it (RFC 2328 §8.2: its destination, area, that it is not our own,
 * a broadcast sender on the interface's subnet; the codec checks version, length and checksum).
 */
import { type Ipv4, maskOf } from "../../core/ip.js";
import { SECOND } from "../../core/time.js";
import type { IpDatagram } from "../../sim/host.js";
import { WireError } from "../../wire/error.js";
import { IPPROTO_OSPF } from "../../wire/ipv4.js";
import {
  emitOspf,
  OSPF_ALL_D_ROUTERS,
  OSPF_ALL_SPF_ROUTERS,
  OSPF_OPT_E,
  type OspfBody,
  parseOspf,
  type LsRequest,
} from "../../wire/ospf.js";
import { type Lsa, type LsaHeader, lsaLen } from "../../wire/ospf-lsa.js";
import type { OspfDaemon } from "./ospf.js";
import { nbrAtLeast, type Neighbor, type OspfIface } from "./types.js";

/** IPTOS_PREC_INTERNETCONTROL. */
const TOS_INTERNET_CONTROL = 0xc0;
/** Interface MTU of routelab's links (Ethernet). */
export const OSPF_MTU = 1500;
/** Room for an OSPF packet's body in one IP datagram of MTU bytes (IP header 20, OSPF 24). */
const BODY_ROOM = OSPF_MTU - 20 - 24;
/** LSA headers in one DD packet (8 bytes of DD fields, then 20 per header). */
export const DD_HEADERS_MAX = Math.floor((BODY_ROOM - 8) / 20);
/** Requests in one LS Request packet (12 bytes each). */
const LSR_MAX = Math.floor(BODY_ROOM / 12);
/** LSA headers in one LS Ack packet. */
const ACK_MAX = Math.floor(BODY_ROOM / 20);

/** Emits and sends one packet out of `oi` to `dst`; returns the bytes sent (kept for retransmission). */
export function sendPacket(d: OspfDaemon, oi: OspfIface, dst: Ipv4, body: OspfBody): Uint8Array {
  const bytes = emitOspf({ routerId: d.routerId, areaId: 0, body });
  sendBytes(d, oi, dst, bytes);
  return bytes;
}

export function sendBytes(d: OspfDaemon, oi: OspfIface, dst: Ipv4, bytes: Uint8Array): void {
  d.host.sendIp(dst, IPPROTO_OSPF, bytes, {
    iface: oi.index,
    ttl: 1,
    tos: TOS_INTERNET_CONTROL,
    user: "ospf",
    cls: "ospf",
  });
}

/**
 * Where flooded updates and acknowledgments go (RFC 2328 §13.3 (5)): AllSPFRouters on a
 * point-to-point link or from the DR and BDR, AllDRouters from the others on a broadcast network.
 */
export function floodDestination(oi: OspfIface): Ipv4 {
  if (oi.type === "point-to-point" || oi.state === "DR" || oi.state === "Backup") return OSPF_ALL_SPF_ROUTERS;
  return OSPF_ALL_D_ROUTERS;
}

/** Where packets to one neighbour go: AllSPFRouters on point-to-point (as FRR), else its address. */
export function neighborDestination(oi: OspfIface, nbr: Neighbor): Ipv4 {
  return oi.type === "point-to-point" ? OSPF_ALL_SPF_ROUTERS : nbr.addr;
}

/** The Hello of `oi` (RFC 2328 §9.5), naming every neighbour heard from (state Init or more). */
export function sendHello(d: OspfDaemon, oi: OspfIface): void {
  const neighbors = [...oi.neighbors.values()]
    .filter((n) => nbrAtLeast(n.state, "Init"))
    .map((n) => n.routerId);
  oi.helloOut++;
  sendPacket(d, oi, OSPF_ALL_SPF_ROUTERS, {
    type: "hello",
    mask: maskOf(oi.len),
    helloInterval: d.config.hello / SECOND,
    options: OSPF_OPT_E,
    priority: oi.priority,
    deadInterval: d.config.dead / SECOND,
    dr: oi.dr,
    bdr: oi.bdr,
    neighbors,
  });
}

/** A Database Description packet to `nbr`, kept as the last sent (§10.8). */
export function sendDd(
  d: OspfDaemon,
  oi: OspfIface,
  nbr: Neighbor,
  flags: number,
  headers: LsaHeader[],
): void {
  oi.ddOut++;
  nbr.lastDdSent = sendPacket(d, oi, neighborDestination(oi, nbr), {
    type: "dd",
    mtu: OSPF_MTU,
    options: OSPF_OPT_E,
    flags,
    seq: nbr.ddSeq >>> 0,
    lsaHeaders: headers,
  });
}

/** LS Requests for what is on `nbr`'s request list (§10.9), one packet's worth. */
export function sendLsRequest(d: OspfDaemon, oi: OspfIface, nbr: Neighbor): void {
  if (nbr.requests.size === 0) return;
  const requests: LsRequest[] = [...nbr.requests.values()]
    .slice(0, LSR_MAX)
    .map((h) => ({ type: h.type, id: h.id, advRouter: h.advRouter }));
  oi.lsrOut++;
  sendPacket(d, oi, neighborDestination(oi, nbr), { type: "ls-request", requests });
}

/** LS Acks of `headers` to `dst`, in as many packets as they need. */
export function sendAcks(d: OspfDaemon, oi: OspfIface, dst: Ipv4, headers: LsaHeader[]): void {
  for (let i = 0; i < headers.length; i += ACK_MAX) {
    oi.lsAckOut++;
    sendPacket(d, oi, dst, { type: "ls-ack", lsaHeaders: headers.slice(i, i + ACK_MAX) });
  }
}

/** LS Updates carrying `lsas` (their ages already set), packed up to the MTU. */
export function sendLsUpdate(d: OspfDaemon, oi: OspfIface, dst: Ipv4, lsas: readonly Lsa[]): void {
  let batch: Lsa[] = [];
  let size = 4;
  const flush = () => {
    if (batch.length === 0) return;
    oi.lsuOut++;
    sendPacket(d, oi, dst, { type: "ls-update", lsas: batch });
    batch = [];
    size = 4;
  };
  for (const l of lsas) {
    const n = lsaLen(l);
    if (size + n > BODY_ROOM) flush();
    batch.push(l);
    size += n;
  }
  flush();
}

/** A received datagram, checked (§8.2) and parsed, or undefined when it is not for us. */
export function acceptPacket(d: OspfDaemon, dg: IpDatagram) {
  const oi = d.ifaces.find((i) => i.index === dg.iface);
  if (!oi || oi.state === "Down") return undefined;
  if (dg.dst === OSPF_ALL_D_ROUTERS && oi.state !== "DR" && oi.state !== "Backup") return undefined;
  if (dg.dst !== OSPF_ALL_SPF_ROUTERS && dg.dst !== OSPF_ALL_D_ROUTERS && dg.dst !== oi.addr)
    return undefined;
  if (oi.type === "broadcast" && ((dg.src ^ oi.addr) & maskOf(oi.len)) !== 0) return undefined;
  const p = parseOspf(dg.payload);
  if (p instanceof WireError) {
    d.badPackets++;
    return undefined;
  }
  if (p.areaId !== 0 || p.routerId === d.routerId) return undefined;
  return { oi, p };
}
