/**
 * @module sim/tcp/params
 * The numbers the simulated TCP runs on, and sequence-number arithmetic.
 *
 * Defaults follow FreeBSD, read in the tree of February 2011 (rodrigc/bz-vimage 46b4e0c, the
 * head of the month FreeBSD 8.2 was released; the seed ran 8.x):
 * - sys/netinet/tcp_timer.h:75 `TCPTV_MSL (30*hz)`: MSL 30 s, so TIME_WAIT lasts 2×MSL = 60 s.
 * - tcp_timer.h:78 `TCPTV_RTOBASE (3*hz)`: 3 s RTO before any round trip was measured (RFC 6298
 *   §2.1 says 1 s; FreeBSD 8 kept RFC 2988's 3 s).
 * - tcp_timer.h:113 `TCPTV_REXMTMAX (64*hz)` and :119 `TCP_MAXRXTSHIFT 12`; tcp_timer.c:150-154
 *   the back-off tables `tcp_syn_backoff` and `tcp_backoff`.
 * - tcp_timer.h:84 `TCPTV_KEEP_INIT (75*hz)`: a connection not established in 75 s is dropped
 *   (connect fails with ETIMEDOUT).
 * - tcp_timer.h:81-82 persist timer 5…60 s; :89 `TCPTV_FINWAIT2_TIMEOUT (60*hz)`.
 * - tcp_timer.h:121 `TCPTV_DELACK` 100 ms, delayed ACKs on (tcp_input.c:132).
 * - tcp.h:119 `TCP_MSS 536`: the send MSS when the peer sends no MSS option.
 * - tcp_usrreq.c:1473-1476 `tcp_sendspace 32768`, `tcp_recvspace 65536` (the window field holds
 *   at most 65535 without window scaling, which this TCP does not offer).
 * - tcp_input.c:114 `tcprexmtthresh = 3` duplicate ACKs before fast retransmit.
 * - tcp_input.c:360-362 initial window `min(4*maxseg, max(2*maxseg, 4380))` (RFC 3390).
 *
 * Where FreeBSD 8 and the RFCs differ, the RFC wins and the difference is named here: the RTO
 * is never below 1 s (RFC 6298 §2.4; FreeBSD's floor is `TCPTV_MIN` = 30 ms, tcp_timer.h:111,
 * which with 100 ms delayed ACKs would retransmit spuriously on a quiet link).
 */
import { MS, type Nanos, SECOND } from "../../core/time.js";

export const MSL: Nanos = 30 * SECOND;
export const TIME_WAIT: Nanos = 2 * MSL;
export const RTO_INITIAL: Nanos = 3 * SECOND;
export const RTO_MIN: Nanos = 1 * SECOND;
export const RTO_MAX: Nanos = 64 * SECOND;
/** Clock granularity G of RFC 6298 §2: FreeBSD's tick at hz=1000. */
export const CLOCK_GRANULARITY: Nanos = 1 * MS;
export const MAX_RXT_SHIFT = 12;
export const SYN_BACKOFF = [1, 1, 1, 1, 1, 2, 4, 8, 16, 32, 64, 64, 64];
export const BACKOFF = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 512, 512, 512];
export const KEEP_INIT: Nanos = 75 * SECOND;
export const PERSIST_MIN: Nanos = 5 * SECOND;
export const PERSIST_MAX: Nanos = 60 * SECOND;
export const FIN_WAIT_2_TIMEOUT: Nanos = 60 * SECOND;
export const DELAYED_ACK: Nanos = 100 * MS;
export const DEFAULT_MSS = 536;
/** MSS we offer: an Ethernet MTU of 1500 less 40 bytes of IPv4 and TCP headers. */
export const OUR_MSS = 1460;
export const SEND_BUFFER = 32 * 1024;
export const RECV_BUFFER = 64 * 1024;
export const MAX_WINDOW = 0xffff;
export const DUPACK_THRESHOLD = 3;
/** FreeBSD's `somaxconn` (sys/socket.h SOMAXCONN): the largest listen backlog. */
export const SOMAXCONN = 128;
/** Ephemeral ports (FreeBSD 8 `net.inet.ip.portrange.first/last`). */
export const EPHEMERAL_FIRST = 49152;
export const EPHEMERAL_LAST = 65535;

/** a + n modulo 2^32. */
export function seqAdd(a: number, n: number): number {
  return (a + n) >>> 0;
}
/** a - b as a signed 32-bit distance (RFC 9293 §3.4 comparisons are modulo 2^32). */
export function seqDiff(a: number, b: number): number {
  return (a - b) | 0;
}
export function seqLt(a: number, b: number): boolean {
  return seqDiff(a, b) < 0;
}
export function seqLe(a: number, b: number): boolean {
  return seqDiff(a, b) <= 0;
}
export function seqGt(a: number, b: number): boolean {
  return seqDiff(a, b) > 0;
}
export function seqGe(a: number, b: number): boolean {
  return seqDiff(a, b) >= 0;
}
