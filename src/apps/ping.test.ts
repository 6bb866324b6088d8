import { describe, expect, it } from "vitest";
import { MS, SECOND } from "../core/time.js";
import { FakeHost } from "./fake-host.testkit.js";
import { type PingOptions, startPing } from "./ping.js";

const TARGET = 0x0a000202; // 10.0.2.2

function ping(h: FakeHost, o: Partial<PingOptions> = {}, opts: { interruptAt?: number } = {}) {
  let out = "";
  const io = { out: (s: string) => (out += s), err: (s: string) => (out += s) };
  const p = startPing(h, { target: TARGET, hostname: "vm2", ident: 4242, ...o }, io);
  if (opts.interruptAt !== undefined) {
    h.run(() => p.exitCode !== undefined, opts.interruptAt);
    p.interrupt();
  }
  const t = h.run(() => p.exitCode !== undefined);
  return { out, code: p.exitCode, t };
}

describe("ping", () => {
  it("prints replies and the statistics ping.c computes (stddev = sqrt(Σt²/n − avg²))", () => {
    const h = new FakeHost();
    h.replies.set(0, [1]).set(1, [2]).set(2, [3]);
    const r = ping(h, { count: 3 });
    expect(r.out).toBe(
      "PING vm2 (10.0.2.2): 56 data bytes\n" +
        "64 bytes from 10.0.2.2: icmp_seq=0 ttl=63 time=1.000 ms\n" +
        "64 bytes from 10.0.2.2: icmp_seq=1 ttl=63 time=2.000 ms\n" +
        "64 bytes from 10.0.2.2: icmp_seq=2 ttl=63 time=3.000 ms\n" +
        "\n--- vm2 ping statistics ---\n" +
        "3 packets transmitted, 3 packets received, 0.0% packet loss\n" +
        "round-trip min/avg/max/stddev = 1.000/2.000/3.000/0.816 ms\n",
    );
    expect(r.code).toBe(0);
    expect(r.t).toBe(2 * SECOND + 3 * MS);
  });

  it("sends FreeBSD's payload: seconds and microseconds big-endian, then byte i = i", () => {
    const h = new FakeHost();
    h.run(() => false, 1_500_250_000); // start at t = 1.50025 s
    ping(h, { count: 2, datalen: 300 });
    const [a, b] = h.sent;
    expect(a!.seq).toBe(0);
    expect(b!.seq).toBe(1);
    expect(b!.ident).toBe(4242);
    const v = new DataView(a!.data.buffer);
    expect([v.getUint32(0), v.getUint32(4)]).toEqual([1, 500250]);
    expect(a!.data.length).toBe(300);
    expect([...a!.data.slice(8, 12)]).toEqual([8, 9, 10, 11]);
    expect(a!.data[256 + 8]).toBe(8); // u_char wraps
    expect(b!.t - a!.t).toBe(SECOND);
  });

  it("counts loss, waits 2×max RTT (at least 1 s) after the last request, exits 0 on any reply", () => {
    const h = new FakeHost();
    h.replies.set(0, [5]).set(2, [7]);
    const r = ping(h, { count: 4 });
    expect(r.out).toContain("4 packets transmitted, 2 packets received, 50.0% packet loss\n");
    expect(r.out).toContain("round-trip min/avg/max/stddev = 5.000/6.000/7.000/1.000 ms\n");
    expect(r.code).toBe(0);
    expect(r.t).toBe(5 * SECOND); // sends at 0..3 s, final wait from 4 s: 1 s
  });

  it("with no reply at all waits -W (default 10 s) and exits 2 without a round-trip line", () => {
    const h = new FakeHost();
    const r = ping(h, { count: 2 });
    expect(r.out).toBe(
      "PING vm2 (10.0.2.2): 56 data bytes\n\n--- vm2 ping statistics ---\n2 packets transmitted, 0 packets received, 100.0% packet loss\n",
    );
    expect(r.code).toBe(2);
    expect(r.t).toBe(12 * SECOND);
    const h2 = new FakeHost();
    expect(ping(h2, { count: 2, waittimeMs: 500 }).t).toBe(2 * SECOND + 500 * MS);
  });

  it("marks duplicates and counts them apart", () => {
    const h = new FakeHost();
    h.replies.set(0, [1, 3]).set(1, [1]);
    const r = ping(h, { count: 2 });
    expect(r.out).toContain("64 bytes from 10.0.2.2: icmp_seq=0 ttl=63 time=3.000 ms (DUP!)\n");
    expect(r.out).toContain("2 packets transmitted, 2 packets received, +1 duplicates, 0.0% packet loss\n");
    // n = received + repeats = 3: avg (1+3+1)/3
    expect(r.out).toContain("round-trip min/avg/max/stddev = 1.000/1.667/3.000/0.943 ms\n");
  });

  it("-q prints only the header and the statistics; -o stops at the first reply", () => {
    const h = new FakeHost();
    h.replies.set(0, [1]).set(1, [1]);
    const q = ping(h, { count: 2, quiet: true });
    expect(q.out.split("\n")).toHaveLength(6); // header, blank, 3 statistics lines, end
    expect(q.out).not.toContain("bytes from");
    const h2 = new FakeHost();
    h2.replies.set(0, [4]);
    const o = ping(h2, { once: true });
    expect(o.out).toContain("1 packets transmitted, 1 packets received, 0.0% packet loss\n");
    expect(o.t).toBe(4 * MS);
  });

  it("without room for the timestamp (-s 4) prints no times and no round-trip line", () => {
    const h = new FakeHost();
    h.replies.set(0, [1]);
    const r = ping(h, { count: 1, datalen: 4 });
    expect(r.out).toContain("12 bytes from 10.0.2.2: icmp_seq=0 ttl=63\n");
    expect(r.out).not.toContain("round-trip");
  });

  it("-W: late replies are counted but not printed", () => {
    const h = new FakeHost();
    h.replies.set(0, [2]).set(1, [2]);
    const r = ping(h, { count: 2, waittimeMs: 1 });
    expect(r.out).not.toContain("icmp_seq");
    expect(r.out).toContain("2 packets received, 0.0% packet loss, 2 packets out of wait time\n");
  });

  it("Ctrl-C prints the statistics and exits as ping does; -t stops after the timeout", () => {
    const h = new FakeHost();
    for (let i = 0; i < 10; i++) h.replies.set(i, [1]);
    const r = ping(h, {}, { interruptAt: 2500 * MS });
    expect(r.out).toContain("3 packets transmitted, 3 packets received, 0.0% packet loss\n");
    expect(r.code).toBe(0);
    expect(h.listening).toBe(0);
    const h2 = new FakeHost();
    const t = ping(h2, { timeoutS: 3 });
    expect(t.t).toBe(3 * SECOND);
    expect(t.code).toBe(2);
  });

  it("prints an ICMP error about its own request with the quoted header, and ignores others'", () => {
    const h = new FakeHost();
    h.errors.set(0, { type: 11, code: 0, from: 0x0a000102, after: 1 });
    h.errors.set(1, { type: 11, code: 0, from: 0x0a000102, after: 1, ident: 999 });
    const r = ping(h, { count: 2, reverse: (a) => (a === 0x0a000102 ? "vm9" : undefined) });
    expect(r.out).toBe(
      "PING vm2 (10.0.2.2): 56 data bytes\n" +
        "36 bytes from vm9 (10.0.1.2): Time to live exceeded\n" +
        "Vr HL TOS  Len   ID Flg  off TTL Pro  cks      Src      Dst\n" +
        " 4  5  00 0054 1234   0 0000  01  01 beef 10.0.0.1  10.0.2.2 \n" +
        "\n" +
        "\n--- vm2 ping statistics ---\n" +
        "2 packets transmitted, 0 packets received, 100.0% packet loss\n",
    );
    const n = ping(new FakeHostWithError(), { count: 1, numeric: true });
    expect(n.out).toContain("36 bytes from 10.0.1.2: Destination Net Unreachable\n");
  });

  it("reports a failed send as sendto does and keeps counting", () => {
    const h = new FakeHost();
    h.sendError = { ok: false, error: "EHOSTUNREACH" };
    const r = ping(h, { count: 2 });
    expect(r.out.match(/ping: sendto: No route to host\n/g)).toHaveLength(2);
    expect(r.out).toContain("2 packets transmitted, 0 packets received, 100.0% packet loss\n");
  });
});

class FakeHostWithError extends FakeHost {
  constructor() {
    super();
    this.errors.set(0, { type: 3, code: 0, from: 0x0a000102, after: 1 });
  }
}
