/**
 * @module apps/icmp
 * What ping and traceroute need to read from a received ICMP error: the fields of the quoted
 * original datagram (RFC 792: its IP header plus the first 8 bytes of its payload), read from
 * bytes without allocating. Only the numbers the tools match on or print are exposed.
 */

export const ICMP_ECHOREPLY = 0;
export const ICMP_UNREACH = 3;
export const ICMP_SOURCEQUENCH = 4;
export const ICMP_REDIRECT = 5;
export const ICMP_ECHO = 8;
export const ICMP_TIMXCEED = 11;
export const ICMP_PARAMPROB = 12;

export const UNREACH_NET = 0;
export const UNREACH_HOST = 1;
export const UNREACH_PROTOCOL = 2;
export const UNREACH_PORT = 3;
export const UNREACH_NEEDFRAG = 4;
export const UNREACH_SRCFAIL = 5;
export const UNREACH_FILTER_PROHIB = 13;

export const IPPROTO_ICMP = 1;
export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;

// Out-of-range bytes read as 0: callers check `has()` first, and a short quote must not throw.
const at = (b: Uint8Array, o: number) => b[o] ?? 0;
const u16 = (b: Uint8Array, o: number) => (at(b, o) << 8) | at(b, o + 1);
const u32 = (b: Uint8Array, o: number) =>
  ((at(b, o) << 24) | (at(b, o + 1) << 16) | (at(b, o + 2) << 8) | at(b, o + 3)) >>> 0;

/** The header of a quoted datagram, at offset 0 of `q` (the ICMP error's data after its 8-byte header). */
export class QuotedIp {
  constructor(readonly q: Uint8Array) {}
  /** Whether a whole IP header plus `extra` payload bytes are present. */
  has(extra: number): boolean {
    return this.q.length >= 20 && this.q.length >= this.hlen + extra;
  }
  get version(): number {
    return this.q[0]! >> 4;
  }
  get hlen(): number {
    return (this.q[0]! & 15) * 4;
  }
  get tos(): number {
    return this.q[1]!;
  }
  get totalLen(): number {
    return u16(this.q, 2);
  }
  get id(): number {
    return u16(this.q, 4);
  }
  get flagsOff(): number {
    return u16(this.q, 6);
  }
  get ttl(): number {
    return this.q[8]!;
  }
  get proto(): number {
    return this.q[9]!;
  }
  get checksum(): number {
    return u16(this.q, 10);
  }
  get src(): number {
    return u32(this.q, 12);
  }
  get dst(): number {
    return u32(this.q, 16);
  }
  /** Byte `i` of the quoted payload (after the quoted IP header). */
  payload(i: number): number {
    return this.q[this.hlen + i] ?? 0;
  }
  /** A 16-bit field of the quoted payload (UDP ports, ICMP id/seq). */
  payload16(i: number): number {
    return u16(this.q, this.hlen + i);
  }
}
