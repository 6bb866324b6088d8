/**
 * @module sim/tcp/congestion
 * RFC 5681 congestion control with RFC 6582 NewReno recovery, as FreeBSD 8's tcp_input.c does
 * it without SACK: slow start below ssthresh, congestion avoidance above, fast retransmit on
 * the third duplicate ACK, and a window cut to one segment on a timeout.
 */
import { DUPACK_THRESHOLD, seqGe } from "./params.js";

export class Congestion {
  cwnd: number;
  /** RFC 5681 §3.1: "arbitrarily high" at first. */
  ssthresh = 0x3fffffff;
  dupacks = 0;
  /** In fast recovery until an ACK covers `recover` (RFC 6582 §3.2). */
  inRecovery = false;
  recover = 0;

  constructor(private readonly mss: number) {
    // RFC 3390 / RFC 5681 §3.1 eq. 1 (FreeBSD tcp_input.c:360).
    this.cwnd = Math.min(4 * mss, Math.max(2 * mss, 4380));
  }

  /** RFC 5681 eq. 4: ssthresh = max(FlightSize / 2, 2*SMSS). */
  private halve(flight: number): void {
    this.ssthresh = Math.max(Math.floor(flight / 2), 2 * this.mss);
  }

  /**
   * A new ACK covering `acked` bytes arrived (ack = its value). Returns true when it is a
   * partial ACK in recovery: the caller retransmits the next unacknowledged segment.
   */
  onNewAck(acked: number, ack: number): boolean {
    this.dupacks = 0;
    if (this.inRecovery) {
      if (seqGe(ack, this.recover)) {
        this.inRecovery = false;
        this.cwnd = this.ssthresh; // RFC 6582 §3.2 step 3, "deflate the window"
        return false;
      }
      // Partial ACK: deflate by the amount acknowledged, add back one segment (RFC 6582 §3.2 step 4).
      this.cwnd = Math.max(this.mss, this.cwnd - acked + this.mss);
      return true;
    }
    if (this.cwnd < this.ssthresh)
      this.cwnd += Math.min(acked, this.mss); // slow start, eq. 2
    else this.cwnd += Math.max(1, Math.floor((this.mss * this.mss) / this.cwnd)); // avoidance, eq. 3
    return false;
  }

  /**
   * A duplicate ACK (RFC 5681 §2's definition, checked by the caller). Returns "retransmit" on
   * the third: the caller resends the first unacknowledged segment.
   */
  onDupAck(flight: number, sndMax: number): "retransmit" | "inflate" | "none" {
    this.dupacks++;
    if (this.inRecovery) {
      this.cwnd += this.mss; // eq. 5 step 4: each further dup ACK means a segment left the network
      return "inflate";
    }
    if (this.dupacks === DUPACK_THRESHOLD) {
      this.halve(flight);
      this.inRecovery = true;
      this.recover = sndMax;
      this.cwnd = this.ssthresh + DUPACK_THRESHOLD * this.mss;
      return "retransmit";
    }
    return "none";
  }

  /** The retransmission timer expired: RFC 5681 eq. 4 and a loss window of one segment. */
  onTimeout(flight: number): void {
    this.halve(flight);
    this.cwnd = this.mss;
    this.dupacks = 0;
    this.inRecovery = false;
  }
}
