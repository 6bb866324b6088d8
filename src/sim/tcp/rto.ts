/**
 * @module sim/tcp/rto
 * The retransmission timer's value (RFC 6298): smoothed round-trip time and its variation from
 * one timed segment at a time, exponential back-off, and Karn's rule — a segment that was
 * retransmitted gives no sample (RFC 6298 §3), which the connection enforces by dropping its
 * timing when it retransmits (FreeBSD's `t_rtttime = 0` in tcp_timer_rexmt).
 */
import type { Nanos } from "../../core/time.js";
import {
  BACKOFF,
  CLOCK_GRANULARITY,
  MAX_RXT_SHIFT,
  RTO_INITIAL,
  RTO_MAX,
  RTO_MIN,
  SYN_BACKOFF,
} from "./params.js";

export class RtoEstimator {
  /** Smoothed RTT, ns; undefined until the first sample. */
  srtt: Nanos | undefined;
  rttvar: Nanos = 0;
  /** The RTO before back-off. */
  base: Nanos = RTO_INITIAL;
  /** Consecutive retransmissions of the oldest segment (FreeBSD `t_rxtshift`). */
  shift = 0;

  /** RFC 6298 §2.2-2.3 with α = 1/8, β = 1/4, then the §2.4-2.5 bounds. */
  sample(r: Nanos): void {
    if (this.srtt === undefined) {
      this.srtt = r;
      this.rttvar = r / 2;
    } else {
      this.rttvar = 0.75 * this.rttvar + 0.25 * Math.abs(this.srtt - r);
      this.srtt = 0.875 * this.srtt + 0.125 * r;
    }
    const rto = this.srtt + Math.max(CLOCK_GRANULARITY, 4 * this.rttvar);
    this.base = Math.round(Math.min(RTO_MAX, Math.max(RTO_MIN, rto)));
  }

  /** The timer to arm now: the base times the back-off for the retransmissions so far (SYNs back off slower). */
  current(syn: boolean): Nanos {
    const table = syn ? SYN_BACKOFF : BACKOFF;
    return Math.min(RTO_MAX, this.base * table[Math.min(this.shift, MAX_RXT_SHIFT)]!);
  }
}
