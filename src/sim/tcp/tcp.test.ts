/**
 * TCP conformance in virtual time (ns-3's style: build a network, run the clock, check what
 * crossed the wire): handshake, data both ways, close, TIME_WAIT, RST from a closed port,
 * simultaneous close, SYN retransmission and its give-up, loss recovery.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MS, SECOND } from "../../core/time.js";
import { buildTcpPacket, TCP_ACK, TCP_RST, TCP_SYN } from "../../wire/index.js";
import type { TcpListener, TcpSocket } from "./socket.js";
import { bench, collect, ip, trace } from "./tcp.testkit.js";

const R3 = ip("10.0.1.2");
const enc = (s: string) => new TextEncoder().encode(s);

function serve(b: ReturnType<typeof bench>, port = 7777) {
  const accepted: TcpSocket[] = [];
  const l = b.node("r3").tcp.listen(port) as TcpListener;
  l.connection = (s) => accepted.push(s);
  return { l, accepted };
}

describe("tcp: handshake and data", () => {
  it("three-way handshake, MSS options, then ESTABLISHED on both ends", () => {
    const b = bench();
    const { accepted } = serve(b);
    const c = b.node("r1").tcp.connect(R3, 7777) as TcpSocket;
    let connected = false;
    c.handlers.connected = () => {
      connected = true;
    };
    expect(c.state).toBe("SYN_SENT");
    b.net.scheduler.runUntil(1 * SECOND);
    expect(connected).toBe(true);
    expect(c.state).toBe("ESTABLISHED");
    expect(accepted).toHaveLength(1);
    expect(accepted[0]!.state).toBe("ESTABLISHED");
    expect(accepted[0]!.remotePort).toBe(c.localPort);
    expect(c.localPort).toBeGreaterThanOrEqual(49152);
    expect(trace(b.segs)).toEqual([
      `10.0.0.1.${c.localPort} > 10.0.1.2.7777 [S] seq 0`,
      `10.0.1.2.7777 > 10.0.0.1.${c.localPort} [S.] seq 0 ack 1`,
      `10.0.0.1.${c.localPort} > 10.0.1.2.7777 [.] seq 1 ack 1`,
    ]);
    expect(b.segs[0]!.options).toEqual([{ kind: "mss", mss: 1460 }]);
    expect(b.segs[0]!.window).toBe(65535);
    const states = b.events
      .filter((e) => e.kind === "socket")
      .map((e) => (e.kind === "socket" ? `${e.node} ${e.state}` : ""));
    expect(states).toEqual(["r1 SYN_SENT", "r3 SYN_RECEIVED", "r1 ESTABLISHED", "r3 ESTABLISHED"]);
  });

  it("data both ways, FIN from the client, TIME_WAIT for 2×MSL = 60 s (FreeBSD tcp_timer.h:75)", () => {
    const b = bench();
    const { accepted } = serve(b);
    const c = b.node("r1").tcp.connect(R3, 7777) as TcpSocket;
    const fromServer = collect(c);
    c.handlers.connected = () => c.write(enc("hello\n"));
    b.net.scheduler.runUntil(1 * SECOND);
    const s = accepted[0]!;
    const fromClient = collect(s);
    b.net.scheduler.runUntil(2 * SECOND);
    // The data arrived before the handler was set, so it waits in the buffer.
    expect(new TextDecoder().decode(s.read())).toBe("hello\n");
    s.write(enc("hello back\n"));
    b.net.scheduler.runUntil(3 * SECOND);
    expect(fromServer.text()).toBe("hello back\n");
    c.close();
    b.net.scheduler.runUntil(4 * SECOND);
    expect(fromClient.ended()).toBe(true);
    expect(c.state).toBe("FIN_WAIT_2");
    expect(s.state).toBe("CLOSE_WAIT");
    s.close();
    b.net.scheduler.runUntil(5 * SECOND);
    expect(s.state).toBe("CLOSED");
    expect(fromClient.closed()).toBeUndefined(); // handlers dropped by close()
    expect(c.state).toBe("TIME_WAIT");
    const twAt = b.events.find((e) => e.kind === "socket" && e.state === "TIME_WAIT")!.t;
    b.net.scheduler.runUntil(twAt + 60 * SECOND - 1);
    expect(c.state).toBe("TIME_WAIT");
    b.net.scheduler.runUntil(twAt + 60 * SECOND + 1);
    expect(c.state).toBe("CLOSED");
    const p = c.localPort;
    expect(trace(b.segs)).toEqual([
      `10.0.0.1.${p} > 10.0.1.2.7777 [S] seq 0`,
      `10.0.1.2.7777 > 10.0.0.1.${p} [S.] seq 0 ack 1`,
      `10.0.0.1.${p} > 10.0.1.2.7777 [.] seq 1 ack 1`,
      `10.0.0.1.${p} > 10.0.1.2.7777 [P.] seq 1 ack 1 len 6`,
      // the server's delayed ACK (100 ms, nothing to send with it)
      `10.0.1.2.7777 > 10.0.0.1.${p} [.] seq 1 ack 7`,
      `10.0.1.2.7777 > 10.0.0.1.${p} [P.] seq 1 ack 7 len 11`,
      `10.0.0.1.${p} > 10.0.1.2.7777 [.] seq 7 ack 12`,
      `10.0.0.1.${p} > 10.0.1.2.7777 [F.] seq 7 ack 12`,
      `10.0.1.2.7777 > 10.0.0.1.${p} [.] seq 12 ack 8`,
      `10.0.1.2.7777 > 10.0.0.1.${p} [F.] seq 12 ack 8`,
      `10.0.0.1.${p} > 10.0.1.2.7777 [.] seq 8 ack 13`,
    ]);
    const ackDelay =
      b.segs.filter((x) => x.link === "r1-r2")[4]!.t - b.segs.filter((x) => x.link === "r1-r2")[3]!.t;
    expect(ackDelay).toBeGreaterThan(100 * MS);
  });

  it("a closed port answers RST,ACK and connect fails with ECONNREFUSED", () => {
    const b = bench();
    const c = b.node("r1").tcp.connect(R3, 23) as TcpSocket;
    const r = collect(c);
    b.net.scheduler.runUntil(1 * SECOND);
    expect(r.closed()).toBe("ECONNREFUSED");
    const onWire = b.segs.filter((s) => s.link === "r1-r2");
    expect(onWire).toHaveLength(2);
    const [syn, rst] = onWire;
    expect(rst!.flags).toBe(TCP_RST | TCP_ACK);
    expect(rst!.seq).toBe(0);
    expect(rst!.ack).toBe((syn!.seq + 1) >>> 0);
    expect(b.events.some((e) => e.kind === "drop" && e.reason === "tcp-reset" && e.node === "r3")).toBe(true);
  });

  it("abort sends <SEQ=SND.NXT><CTL=RST> and the peer's connect ends ECONNRESET", () => {
    const b = bench();
    const { accepted } = serve(b);
    const c = b.node("r1").tcp.connect(R3, 7777) as TcpSocket;
    b.net.scheduler.runUntil(1 * SECOND);
    const r = collect(c);
    accepted[0]!.abort();
    b.net.scheduler.runUntil(2 * SECOND);
    expect(c.state).toBe("CLOSED");
    expect(r.closed()).toBe("ECONNRESET");
    expect(trace(b.segs).at(-1)).toMatch(/^10\.0\.1\.2\.7777 > .* \[R\] seq 1$/);
  });

  it("simultaneous close: both FIN_WAIT_1 → CLOSING → TIME_WAIT", () => {
    const b = bench();
    const { accepted } = serve(b);
    const c = b.node("r1").tcp.connect(R3, 7777) as TcpSocket;
    b.net.scheduler.runUntil(1 * SECOND);
    const s = accepted[0]!;
    c.close();
    s.close();
    b.net.scheduler.runUntil(2 * SECOND);
    expect(c.state).toBe("TIME_WAIT");
    expect(s.state).toBe("TIME_WAIT");
    const seen = (node: string) =>
      b.events
        .filter((e) => e.kind === "socket" && e.node === node)
        .map((e) => (e.kind === "socket" ? e.state : ""));
    expect(seen("r1")).toEqual(["SYN_SENT", "ESTABLISHED", "FIN_WAIT_1", "CLOSING", "TIME_WAIT"]);
    expect(seen("r3")).toEqual(["SYN_RECEIVED", "ESTABLISHED", "FIN_WAIT_1", "CLOSING", "TIME_WAIT"]);
    b.net.scheduler.runUntil(70 * SECOND);
    expect([c.state, s.state]).toEqual(["CLOSED", "CLOSED"]);
  });

  it("SYNs to a silent host: resent after 3, 6, 9, 12, 15, 21, 33, 57 s (tcp_syn_backoff), ETIMEDOUT at 75 s", () => {
    const b = bench();
    b.net.links[1]!.up = false; // r2-r3 cut: SYNs die on the way
    const c = b.node("r1").tcp.connect(R3, 7777) as TcpSocket;
    const r = collect(c);
    b.net.scheduler.runUntil(100 * SECOND);
    expect(r.closed()).toBe("ETIMEDOUT");
    const syns = b.segs
      .filter((s) => s.link === "r1-r2" && s.flags === TCP_SYN)
      .map((s) => Math.round(s.t / SECOND));
    expect(syns).toEqual([0, 3, 6, 9, 12, 15, 21, 33, 57]);
    const closedAt = b.events.find((e) => e.kind === "socket" && e.state === "CLOSED")!.t;
    expect(closedAt).toBe(75 * SECOND);
  });

  it("listener backlog: a SYN beyond 3/2 of it is dropped unanswered, and its retry 3 s later gets in", () => {
    const b = bench();
    const l = b.node("r3").tcp.listen(7777, { backlog: 1 }) as TcpListener;
    const accepted: TcpSocket[] = [];
    l.connection = (s) => accepted.push(s);
    // Both SYNs reach r3 before either handshake completes; r2's, one hop closer, comes first
    // and r1's finds the queue full.
    const c1 = b.node("r1").tcp.connect(R3, 7777) as TcpSocket;
    const c2 = b.node("r2").tcp.connect(R3, 7777) as TcpSocket;
    b.net.scheduler.runUntil(1 * SECOND);
    expect([c1.state, c2.state]).toEqual(["SYN_SENT", "ESTABLISHED"]);
    expect(b.events.some((e) => e.kind === "drop" && e.reason === "listen-queue-full")).toBe(true);
    b.net.scheduler.runUntil(4 * SECOND);
    expect(c1.state).toBe("ESTABLISHED");
    expect(accepted).toHaveLength(2);
  });

  it("a router crash forgets its connections without a segment; the peer's data then meets a RST", () => {
    const b = bench();
    const { accepted } = serve(b);
    const c = b.node("r1").tcp.connect(R3, 7777) as TcpSocket;
    const r = collect(c);
    b.net.scheduler.runUntil(1 * SECOND);
    const before = b.segs.length;
    b.node("r3").crash();
    b.node("r3").boot();
    expect(b.segs.length).toBe(before);
    expect(accepted[0]!.state).toBe("CLOSED");
    c.write(enc("anyone there?"));
    b.net.scheduler.runUntil(2 * SECOND);
    expect(r.closed()).toBe("ECONNRESET");
  });

  it("the same seed gives the same segments (seeded ISS and ports)", () => {
    const run = (seed: number) => {
      const b = bench(seed);
      serve(b);
      const c = b.node("r1").tcp.connect(R3, 7777) as TcpSocket;
      c.handlers.connected = () => c.write(enc("x".repeat(5000)));
      b.net.scheduler.runUntil(5 * SECOND);
      return b.segs.map((s) => `${s.t} ${s.srcPort} ${s.seq} ${s.ack} ${s.flags}`).join("\n");
    };
    expect(run(7)).toBe(run(7));
    expect(run(7)).not.toBe(run(8));
  });
});

/** Index of the first byte where a and b differ, -1 when equal (vitest's deep equality is slow on 200 kB). */
function firstDiff(a: Uint8Array, b: Uint8Array): number {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return -1;
}

describe("tcp: flow and congestion control", () => {
  function transfer(loss: number, bytes: number, seed = 3) {
    const b = bench(seed);
    const { l } = serve(b);
    const data = new Uint8Array(bytes);
    for (let i = 0; i < bytes; i++) data[i] = (i * 7 + (i >> 8)) & 0xff;
    const c = b.node("r1").tcp.connect(R3, 7777) as TcpSocket;
    let sent = 0;
    const pump = () => {
      while (sent < bytes) {
        const n = c.write(data.subarray(sent));
        if (n === 0) return;
        sent += n;
      }
      c.close();
    };
    c.handlers.connected = pump;
    c.handlers.writable = pump;
    const got: Uint8Array[] = [];
    let done = false;
    l.connection = (s) => {
      s.handlers.data = () => got.push(s.read());
      s.handlers.end = () => {
        got.push(s.read());
        done = true;
        s.close();
      };
    };
    b.net.links[0]!.loss = loss;
    b.net.scheduler.runUntil(600 * SECOND);
    const all = new Uint8Array(got.reduce((n, g) => n + g.length, 0));
    let o = 0;
    for (const g of got) {
      all.set(g, o);
      o += g.length;
    }
    return { b, done, all, data, c };
  }

  it("200 kB arrive intact on a clean link, no segment sent twice, never past the offered window", () => {
    const { b, done, all, data } = transfer(0, 200_000);
    expect(done).toBe(true);
    expect(firstDiff(all, data)).toBe(-1);
    const dataSegs = b.segs.filter((s) => s.link === "r1-r2" && s.srcPort !== 7777 && s.payload.length > 0);
    expect(new Set(dataSegs.map((s) => s.seq)).size).toBe(dataSegs.length);
    expect(Math.max(...dataSegs.map((s) => s.payload.length))).toBe(1460);
    // Flow control: what the client sent never passed the right edge the server offered
    // (ack + window of the latest segment from the server before it).
    let edge = 0;
    let inFlightMax = 0;
    for (const s of b.segs.filter((x) => x.link === "r1-r2")) {
      if (s.srcPort === 7777) edge = (s.ack + s.window) >>> 0;
      else if (s.payload.length > 0 && edge !== 0) {
        expect(((s.seq + s.payload.length - edge) | 0) <= 0).toBe(true);
        inFlightMax = Math.max(inFlightMax, (s.seq + s.payload.length - edge + s.window) | 0);
      }
    }
  });

  it("slow start: the window grows from 3 segments (RFC 3390: 4380 bytes) per round trip", () => {
    const { b } = transfer(0, 60_000);
    const fromClient = b.segs.filter((s) => s.link === "r1-r2" && s.srcPort !== 7777 && s.payload.length > 0);
    // Segments sent before the first ACK of data came back: the initial window.
    const firstAck = b.segs.find(
      (s) => s.srcPort === 7777 && s.link === "r1-r2" && s.ack !== 0 && s.t > fromClient[0]!.t,
    )!;
    const burst = fromClient.filter((s) => s.t < firstAck.t).length;
    expect(burst).toBe(3);
  });

  it("20% loss on a link: the transfer completes by retransmission, bytes intact", () => {
    const { b, done, all, data } = transfer(0.2, 100_000);
    expect(done).toBe(true);
    expect(firstDiff(all, data)).toBe(-1);
    const dataSegs = b.segs.filter((s) => s.link === "r1-r2" && s.srcPort !== 7777 && s.payload.length > 0);
    expect(dataSegs.length).toBeGreaterThan(new Set(dataSegs.map((s) => s.seq)).size); // some sent twice
    expect(b.events.some((e) => e.kind === "drop" && e.reason === "loss")).toBe(true);
  });
});

describe("tcp: hostile segments", () => {
  it("random segments aimed at a listener and a live connection never throw, and the stack stays sane", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            toListener: fc.boolean(),
            seqOff: fc.integer({ min: -70000, max: 70000 }),
            ackOff: fc.integer({ min: -70000, max: 70000 }),
            flags: fc.integer({ min: 0, max: 0x3f }),
            window: fc.integer({ min: 0, max: 0xffff }),
            payload: fc.uint8Array({ maxLength: 40 }),
          }),
          { maxLength: 25 },
        ),
        (attacks) => {
          const b = bench();
          const { accepted } = serve(b);
          const c = b.node("r1").tcp.connect(R3, 7777) as TcpSocket;
          b.net.scheduler.runUntil(1 * SECOND);
          const server = accepted[0]!;
          const srv = server as unknown as { rcvNxt: number; sndNxt: number };
          const r3 = b.node("r3");
          for (const a of attacks) {
            const seg = {
              srcPort: a.toListener ? 40000 : c.localPort,
              dstPort: 7777,
              seq: (srv.rcvNxt + a.seqOff) >>> 0,
              ack: (srv.sndNxt + a.ackOff) >>> 0,
              flags: a.flags,
              window: a.window,
              urgent: 0,
              options: [],
              payload: a.payload,
            };
            const bytes = buildTcpPacket(
              { tos: 0, id: 1, dontFrag: true, ttl: 64, src: c.localAddr, dst: R3 },
              seg,
            );
            r3.tcp.input(bytes, 20, bytes.length - 20, c.localAddr, R3, "mallory", () => {});
            b.net.scheduler.runUntil(b.net.scheduler.now() + 50 * MS);
          }
          b.net.scheduler.runUntil(b.net.scheduler.now() + 200 * SECOND);
          // Everything ends: no timer keeps a connection alive forever after the attack.
          expect(
            r3.tcp
              .connections()
              .every((x) => x.state === "TIME_WAIT" || x.state === "ESTABLISHED" || x.state === "CLOSE_WAIT"),
          ).toBe(true);
          expect(b.node("r1").tcp.connections().length).toBeLessThanOrEqual(1);
        },
      ),
      { numRuns: 150 },
    );
  });
});
