/**
 * @module engines/netns/user-marks
 * Whose packet is this? The kernel's ping and traceroute run as root for everyone, so each user's
 * probes carry a DSCP mark of their own (ping -Q, traceroute -t) and the captures (capture.ts)
 * read it back to colour the packet.
 */
export class UserMarks {
  private readonly tos = new Map<string, number>([["root", 0]]);

  /** The DSCP mark (as a TOS byte) of a user: root 0, others 4, 8, … in order of first command. */
  tosOf(user: string): number {
    let t = this.tos.get(user);
    if (t === undefined) {
      const dscp = this.tos.size; // 1, 2, …; 48 (CS6) is what routing daemons send
      t = (dscp >= 48 ? 47 : dscp) << 2;
      this.tos.set(user, t);
    }
    return t;
  }

  /** Who a TOS byte belongs to (for events). */
  userOfTos(tos: number): string {
    const dscp = tos & 0xfc;
    for (const [u, t] of this.tos) if (t === dscp) return u;
    return "root";
  }
}
