/**
 * traceroute's line layout and marks, on the scripted far end of fake-host.testkit.ts (ICMP
 * echo probes, -I). Checked against FreeBSD's contrib/traceroute/traceroute.c of 2010
 * ($FreeBSD: src/contrib/traceroute/traceroute.c,v 1.37 2010/08/08, LBL 1.4a12, the version
 * FreeBSD 8 shipped) and usr.sbin/traceroute/findsaddr-udp.c (v 1.2 2010/01/09, the
 * kern/139454 fix the seed applied); line numbers are of those files.
 */
import { describe, expect, it } from "vitest";
import { FakeHost } from "./fake-host.testkit.js";
import { FINDSADDR_NO_ROUTE, probeLength, startTraceroute, type TracerouteOptions } from "./traceroute.js";

const TARGET = 0x0a000202; // 10.0.2.2
const R1 = 0x0a000102; // 10.0.1.2
const R2 = 0x0a000302; // 10.0.3.2

function trace(h: FakeHost, o: Partial<TracerouteOptions> = {}) {
  let out = "";
  const io = { out: (s: string) => (out += s), err: (s: string) => (out += s) };
  const p = startTraceroute(
    h,
    { target: TARGET, hostname: "vm2", pid: 7, icmp: true, numeric: true, ...o },
    io,
  );
  h.run(() => p.exitCode !== undefined);
  return { out, code: p.exitCode };
}

const timeExceeded = (from: number) => ({ type: 11, code: 0, from, after: 1 });

describe("traceroute", () => {
  it("starts a new line, indented three spaces, when another router answers within one hop", () => {
    // traceroute.c:987-992: `if (!gotlastaddr || from != lastaddr) { if (gotlastaddr)
    // printf("\n   "); print(...); }` — not inline, as reference/protocols.md says.
    const h = new FakeHost();
    h.errors.set(1, timeExceeded(R1)).set(2, timeExceeded(R2)).set(3, timeExceeded(R2));
    expect(trace(h, { maxTtl: 1 }).out).toBe(
      "traceroute to vm2 (10.0.2.2), 1 hops max, 60 byte packets\n" +
        " 1  10.0.1.2  1.000 ms\n" +
        "    10.0.3.2  1.000 ms  1.000 ms\n",
    );
  });

  it("prints the responder again after a lost probe only when it changed", () => {
    const h = new FakeHost();
    h.errors.set(1, timeExceeded(R1)).set(3, timeExceeded(R1));
    expect(trace(h, { maxTtl: 1, waittimeS: 1 }).out).toBe(
      "traceroute to vm2 (10.0.2.2), 1 hops max, 60 byte packets\n 1  10.0.1.2  1.000 ms *  1.000 ms\n",
    );
  });

  it("-I probes are 60 bytes: 20 + sizeof(struct icmp) 28 + sizeof(struct outdata) 12", () => {
    // traceroute.c:669 minpacket; the same sum gives the seed's "40 byte packets" for UDP.
    expect(probeLength(true)).toBe(60);
    expect(probeLength(false)).toBe(40);
    const h = new FakeHost();
    h.replies.set(1, [1]);
    const r = trace(h, { nprobes: 1 });
    expect(r.out).toBe(
      "traceroute to vm2 (10.0.2.2), 64 hops max, 60 byte packets\n 1  10.0.2.2  1.000 ms\n",
    );
    expect(h.sent[0]!.data.length).toBe(60 - 20 - 8);
  });

  it("marks every unreachable code as traceroute.c does, !F with the next-hop MTU", () => {
    // traceroute.c:1029-1119, one case per ICMP_UNREACH_* code; !F-%d prints pmtu (:1057),
    // read from icmp_nextmtu (RFC 1191) in packet_ok.
    const marks: Record<number, string> = {
      0: "!N",
      1: "!H",
      2: "!P",
      4: "!F-1400",
      5: "!S",
      6: "!U",
      7: "!W",
      8: "!I",
      9: "!A",
      10: "!Z",
      11: "!Q",
      12: "!T",
      13: "!X",
      14: "!V",
      15: "!C",
      16: "!<16>",
    };
    for (const [code, mark] of Object.entries(marks)) {
      const h = new FakeHost();
      h.errors.set(1, { type: 3, code: Number(code), from: R1, after: 1, nextMtu: 1400 });
      const r = trace(h, { nprobes: 1 });
      expect(r.out, `code ${code}`).toBe(
        `traceroute to vm2 (10.0.2.2), 64 hops max, 60 byte packets\n 1  10.0.1.2  1.000 ms ${mark}\n`,
      );
      expect(r.code).toBe(0);
    }
  });

  it("!F without a next-hop MTU prints !F-0", () => {
    const h = new FakeHost();
    h.errors.set(1, { type: 3, code: 4, from: R1, after: 1 });
    expect(trace(h, { nprobes: 1 }).out).toContain(" 1  10.0.1.2  1.000 ms !F-0\n");
  });

  it("with no route to the target, says findsaddr failed and exits 1 before a probe", () => {
    // traceroute.c:877-880 prints "%s: findsaddr: %s\n" and exit(1); findsaddr-udp.c:70 is
    // the message when connect() finds no route.
    const h = new FakeHost();
    h.hasRoute = false;
    const r = trace(h);
    expect(r).toEqual({
      out: "traceroute: findsaddr: failed to connect to peer for src addr selection.\n",
      code: 1,
    });
    expect(`traceroute: ${FINDSADDR_NO_ROUTE}\n`).toBe(r.out);
    expect(h.sent).toHaveLength(0);
    expect(h.listening).toBe(0);
  });
});
