/**
 * @module wire — pure packet codecs (IPv4, ICMP, UDP, TCP, RIPv2, OSPFv2, pcap): byte accessors, plain Reprs,
 * `parseX` returning a WireError on bad bytes, `emitX` writing into a buffer. Imports only core;
 * runs in the browser.
 */
export * from "./bytes.js";
export * from "./checksum.js";
export * from "./error.js";
export * from "./ethernet.js";
export * from "./arp.js";
export * from "./icmp.js";
export * from "./ipv4.js";
export * from "./packet.js";
export * from "./tcp.js";
export * from "./udp.js";
export * from "./pcap.js";
export * from "./pcapng.js";
export * from "./rip.js";
export * from "./ospf-lsa.js";
export * from "./ospf.js";
export * from "./summary.js";
export * from "./nat.js";
export { dissectFrame, type PacketField } from "./dissect.js";
export { relativeSeq, type TcpSequenceBase, TcpSequenceBases } from "./tcp-sequence.js";
export { formatDissection } from "./dissect-fields.js";
