/**
 * @module apps/fake-host.testkit
 * A Host for unit tests of programs: a tiny clock and event queue, and a scripted far end
 * that answers echo requests after given delays (several delays make duplicates), stays
 * silent, or sends an ICMP error quoting the request. Real networks are tested end to end
 * through the simulator (test/shell-seed.test.ts); this isolates the programs' arithmetic.
 */
import type { Ipv4 } from "../core/ip.js";
import { MS } from "../core/time.js";
import { Rng } from "../core/rng.js";
import type { Host, IcmpMessage, SendOptions, SendResult, TimerHandle } from "../sim/host.js";

interface Ev {
  t: number;
  seq: number;
  fn: () => void;
  dead: boolean;
}

export interface SentEcho {
  t: number;
  dst: Ipv4;
  ident: number;
  seq: number;
  data: Uint8Array;
  opts: SendOptions;
}

/** An IPv4 header + 8 bytes of an echo request, as an ICMP error quotes it. */
export function quoteEcho(src: Ipv4, dst: Ipv4, ident: number, seq: number, ttl = 1): Uint8Array {
  const q = new Uint8Array(28);
  const v = new DataView(q.buffer);
  q[0] = 0x45;
  v.setUint16(2, 84);
  v.setUint16(4, 0x1234);
  q[8] = ttl;
  q[9] = 1;
  v.setUint16(10, 0xbeef);
  v.setUint32(12, src);
  v.setUint32(16, dst);
  q[20] = 8;
  v.setUint16(24, ident);
  v.setUint16(26, seq);
  return q;
}

export class FakeHost implements Host {
  readonly name = "fake";
  readonly rng = new Rng(1);
  private t = 0;
  private n = 0;
  private q: Ev[] = [];
  private listeners: ((m: IcmpMessage) => void)[] = [];
  readonly sent: SentEcho[] = [];
  /** Reply delays in ms per echo seq; absent = no answer. */
  replies = new Map<number, number[]>();
  /**
   * Per seq: send this ICMP error (type/code) from `from` after `after` ms instead; `nextMtu`
   * fills bytes 6-7 of its header (RFC 1191's next-hop MTU of a fragmentation-needed answer).
   */
  errors = new Map<
    number,
    { type: number; code: number; from: Ipv4; after: number; ident?: number; nextMtu?: number }
  >();
  /** Whether the FIB has a route to everywhere (`lookup` answers); false: none at all. */
  hasRoute = true;
  /** Failure to return from sends. */
  sendError: SendResult | undefined;
  readonly self: Ipv4 = 0x0a000001;

  now(): number {
    return this.t;
  }
  timer(delay: number, fn: () => void): TimerHandle {
    const ev: Ev = { t: this.t + delay, seq: this.n++, fn, dead: false };
    this.q.push(ev);
    return { cancel: () => (ev.dead = true) };
  }
  /** Runs events until `done()` or nothing is left; returns the time. */
  run(done: () => boolean, until = Number.POSITIVE_INFINITY): number {
    while (!done()) {
      this.q = this.q.filter((e) => !e.dead);
      if (this.q.length === 0) {
        if (until !== Number.POSITIVE_INFINITY) this.t = until;
        break;
      }
      this.q.sort((a, b) => a.t - b.t || a.seq - b.seq);
      const ev = this.q[0]!;
      if (ev.t > until) {
        this.t = until;
        break;
      }
      this.q.shift();
      this.t = ev.t;
      ev.fn();
    }
    return this.t;
  }
  interfaces() {
    return [];
  }
  udpBind(): { close(): void } {
    throw new Error("not in the fake");
  }
  joinGroup(): void {}
  sendUdp(): SendResult {
    throw new Error("not in the fake");
  }
  icmpListen(handler: (m: IcmpMessage) => void): { close(): void } {
    this.listeners.push(handler);
    return { close: () => (this.listeners = this.listeners.filter((l) => l !== handler)) };
  }
  get listening(): number {
    return this.listeners.length;
  }
  private deliver(m: IcmpMessage): void {
    for (const l of this.listeners.slice()) l(m);
  }
  ipBind(): { close(): void } {
    return { close() {} };
  }
  sendIp(): SendResult {
    return { ok: false, error: "ENETUNREACH" };
  }
  sendIcmpEcho(dst: Ipv4, ident: number, seq: number, data: Uint8Array, opts: SendOptions = {}): SendResult {
    this.sent.push({ t: this.t, dst, ident, seq, data: data.slice(), opts });
    if (this.sendError) return this.sendError;
    const copy = data.slice();
    for (const d of this.replies.get(seq) ?? [])
      this.timer(d * MS, () =>
        this.deliver({
          src: dst,
          dst: this.self,
          ttl: 63,
          type: 0,
          code: 0,
          ident,
          seq,
          data: copy,
          iface: 1,
          packet: 0,
        }),
      );
    const e = this.errors.get(seq);
    if (e)
      this.timer(e.after * MS, () =>
        this.deliver({
          src: e.from,
          dst: this.self,
          ttl: 64,
          type: e.type,
          code: e.code,
          ident: 0,
          seq: e.nextMtu ?? 0,
          data: quoteEcho(this.self, dst, e.ident ?? ident, seq),
          iface: 1,
          packet: 0,
        }),
      );
    return { ok: true, packet: this.sent.length };
  }
  setRoute(): void {}
  deleteRoute(): void {}
  lookup() {
    return this.hasRoute ? { gateway: 0x0a000002, iface: 1, len: 0, source: "static" } : undefined;
  }
  onInterfaceChange(): { close(): void } {
    return { close() {} };
  }
}
