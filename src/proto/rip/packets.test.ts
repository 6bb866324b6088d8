import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatIpv4, lenOfMask } from "../../core/ip.js";
import { MINUTE, MS, SECOND } from "../../core/time.js";
import type { RipSettings } from "../../topology/model.js";
import { isWireError } from "../../wire/error.js";
import { emitRip, parseRip, type RipEntry, type RipRepr } from "../../wire/rip.js";
import { RipDaemon } from "./rip.js";
import { ip, TestNet, type WireRecord } from "./test-net.js";

const GROUP = 0xe0000009;

/**
 * x (10.0.1.1) — b — y (10.0.2.1): only b runs RIP; x and y hand-craft its input.
 * b is 10.0.1.2 on epair0b and 10.0.2.2 on epair1b.
 */
function bench(settings: Partial<RipSettings> = {}) {
  const net = new TestNet(7);
  net.connect("x", "b", "10.0.1.0/24");
  net.connect("y", "b", "10.0.2.0/24");
  const d = new RipDaemon(settings);
  const b = net.node("b");
  b.daemons.push(d);
  d.start(b);
  net.runFor(10 * SECOND);
  const send = (
    from: "x" | "y",
    payload: Uint8Array | RipRepr,
    o: { srcPort?: number; src?: number; dst?: number } = {},
  ) => {
    const bytes = payload instanceof Uint8Array ? payload : emitRip(payload);
    net
      .node(from)
      .sendRaw(from === "x" ? "epair0a" : "epair1a", o.dst ?? GROUP, o.srcPort ?? 520, 520, bytes, o.src);
    net.runFor(10 * MS);
  };
  return { net, d, b, send };
}

const e = (addr: string, len: number, metric: number, more: Partial<RipEntry> = {}): RipEntry => ({
  afi: 2,
  tag: 0,
  addr: ip(addr),
  mask: len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0,
  nextHop: 0,
  metric,
  ...more,
});
const response = (...entries: RipEntry[]): RipRepr => ({ command: 2, version: 2, entries });

function msg(w: WireRecord): RipRepr {
  const m = parseRip(w.payload);
  if (isWireError(m)) throw new Error(m.reason);
  return m;
}
const list = (m: RipRepr) => m.entries.map((x) => `${formatIpv4(x.addr)}/${lenOfMask(x.mask)} ${x.metric}`);

describe("input checks: a bad message is dropped and counted, never thrown", () => {
  it("accepts a good response from a neighbour", () => {
    const { b, d, send } = bench();
    send("x", response(e("10.9.0.0", 16, 3)));
    expect(b.routeTo("10.9.0.0/16")).toEqual({
      gateway: "10.0.1.1",
      iface: "epair0b",
      metric: 4,
      source: "rip",
    });
    expect(d.status().neighbours).toMatchObject([{ addr: "10.0.1.1", iface: "epair0b", badPackets: 0 }]);
  });

  const good = () => emitRip(response(e("10.9.0.0", 16, 3)));
  const cases: [string, (s: ReturnType<typeof bench>["send"]) => void, string][] = [
    ["source port not 520", (s) => s("x", good(), { srcPort: 1234 }), "bad-port"],
    ["sender not on the receiving subnet", (s) => s("x", good(), { src: ip("10.7.7.7") }), "not-neighbour"],
    [
      "sender on the other interface's subnet",
      (s) => s("x", good(), { src: ip("10.0.2.1") }),
      "not-neighbour",
    ],
    ["our own address", (s) => s("x", good(), { src: ip("10.0.1.2") }), "own-message"],
    ["version 1", (s) => s("x", { ...response(e("10.9.0.0", 16, 3)), version: 1 }), "version"],
    ["version 0", (s) => s("x", { ...response(e("10.9.0.0", 16, 3)), version: 0 }), "version"],
    ["version 3", (s) => s("x", { ...response(e("10.9.0.0", 16, 3)), version: 3 }), "version"],
    ["command 3 (traceon)", (s) => s("x", { ...response(e("10.9.0.0", 16, 3)), command: 3 }), "command"],
    [
      "an authentication entry",
      (s) =>
        s(
          "x",
          response(
            { afi: 0xffff, tag: 2, addr: 0x41424344, mask: 0, nextHop: 0, metric: 0 },
            e("10.9.0.0", 16, 3),
          ),
        ),
      "auth",
    ],
    ["a length that is not 4 + 20n", (s) => s("x", good().subarray(0, 23)), "malformed"],
    ["a header alone", (s) => s("x", good().subarray(0, 4)), "malformed"],
    [
      "26 entries",
      (s) => s("x", response(...Array.from({ length: 26 }, (_, i) => e(`10.9.${i}.0`, 24, 1)))),
      "malformed",
    ],
  ];
  for (const [what, act, reason] of cases) {
    it(`drops ${what} (${reason})`, () => {
      const { b, d, send } = bench();
      act(send);
      expect(d.counter(reason as never)).toBe(1);
      expect(b.routeTo("10.9.0.0/16")).toBeUndefined();
      expect(b.fib.get("rip")?.size ?? 0).toBe(0);
      const st = d.status();
      if (reason !== "own-message") expect(st.interfaces[0]!.rxBadPackets).toBe(1);
      // Charged to the neighbour when the sender is one.
      const nb = st.neighbours.find((n) => n.addr === "10.0.1.1");
      if (reason !== "not-neighbour" && reason !== "own-message") expect(nb?.badPackets).toBe(1);
    });
  }

  it("a non-zero unused header field is counted but not a reason to drop RIP-2 (RFC 2453 5)", () => {
    const { b, d, send } = bench();
    send("x", { ...response(e("10.9.0.0", 16, 3)), reserved: 0xbeef });
    expect(d.counter("reserved-nonzero")).toBe(1);
    expect(b.routeTo("10.9.0.0/16")).toMatchObject({ metric: 4 });
  });

  it("ignores bad entries one by one and keeps the good ones (RFC 2453 3.9.2)", () => {
    const { b, d, send } = bench();
    send(
      "x",
      response(
        e("10.9.0.0", 16, 3, { afi: 3 }), // bad-afi
        e("10.9.1.0", 24, 0), // bad-metric
        e("10.9.2.0", 24, 17), // bad-metric
        { ...e("10.9.3.0", 24, 1), mask: 0xff00ff00 }, // bad-mask
        e("127.0.0.0", 8, 1), // bad-address
        e("224.0.0.0", 4, 1), // bad-address
        e("240.0.0.0", 4, 1), // bad-address
        e("10.9.4.1", 24, 1), // bad-address: host bits
        e("0.1.0.0", 16, 1), // bad-address: net 0
        e("10.8.0.0", 16, 2), // good
        e("0.0.0.0", 0, 5), // good: the default route
      ),
    );
    expect(d.counter("bad-afi")).toBe(1);
    expect(d.counter("bad-metric")).toBe(2);
    expect(d.counter("bad-mask")).toBe(1);
    expect(d.counter("bad-address")).toBe(5);
    expect(d.status().neighbours[0]).toMatchObject({ badRoutes: 9, badPackets: 0 });
    expect(d.status().interfaces[0]!.rxBadRoutes).toBe(9);
    expect(
      [...b.fib.get("rip")!.values()].map((r) => `${formatIpv4(r.dest)}/${r.len} ${r.metric}`).sort(),
    ).toEqual(["0.0.0.0/0 6", "10.8.0.0/16 3"]);
  });

  it("honours an on-link next hop, and treats any other as 0.0.0.0 (RFC 2453 4.4)", () => {
    const { b, d, send } = bench();
    send(
      "x",
      response(
        e("10.9.0.0", 16, 1, { nextHop: ip("10.0.1.77") }),
        e("10.9.1.0", 24, 1, { nextHop: ip("10.5.5.5") }),
        e("10.9.2.0", 24, 1, { nextHop: ip("10.0.1.2") }), // b itself
      ),
    );
    expect(b.routeTo("10.9.0.0/16")!.gateway).toBe("10.0.1.77");
    expect(b.routeTo("10.9.1.0/24")!.gateway).toBe("10.0.1.1");
    expect(b.routeTo("10.9.2.0/24")!.gateway).toBe("10.0.1.1");
    expect(d.counter("nexthop-ignored")).toBe(2);
  });

  // routed if.c ripv1_mask_host: the mask of the interface it came in on when the address is
  // in that interface's natural network (10/8 here: /24), else the natural mask, else a host.
  it("reads a zero mask as RIP-1 would: the interface's, the natural network's, or a host", () => {
    const { b, d, send } = bench();
    send("x", response(e("10.7.0.0", 0, 1), e("172.16.0.0", 0, 1), e("192.168.1.5", 0, 1)));
    expect(b.routeTo("10.7.0.0/24")).toBeDefined();
    expect(b.routeTo("172.16.0.0/16")).toBeDefined();
    expect(b.routeTo("192.168.1.5/32")).toBeDefined();
    expect(d.counter("classful-mask")).toBe(3);
  });

  it("survives any bytes at all", () => {
    const { net, b, d } = bench();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), fc.integer({ min: 0, max: 65535 }), (bytes, port) => {
        net.node("x").sendRaw("epair0a", GROUP, port, 520, bytes);
        net.runFor(2 * MS);
      }),
      { numRuns: 300 },
    );
    // and any structurally valid message with arbitrary fields
    const entry = fc.record({
      afi: fc.constantFrom(0, 2, 2, 2, 3, 0xffff),
      tag: fc.integer({ min: 0, max: 0xffff }),
      addr: fc.integer({ min: 0, max: 0xffffffff }),
      mask: fc.oneof(
        fc.integer({ min: 0, max: 32 }).map((l) => (l === 0 ? 0 : (0xffffffff << (32 - l)) >>> 0)),
        fc.integer({ min: 0, max: 0xffffffff }),
      ),
      nextHop: fc.oneof(
        fc.constant(0),
        fc.integer({ min: 0x0a000100, max: 0x0a0001ff }),
        fc.integer({ min: 0, max: 0xffffffff }),
      ),
      metric: fc.oneof(fc.integer({ min: 0, max: 17 }), fc.integer({ min: 0, max: 0xffffffff })),
    });
    fc.assert(
      fc.property(
        fc.constantFrom(1, 2),
        fc.array(entry, { minLength: 1, maxLength: 25 }),
        (command, entries) => {
          net.node("x").sendRaw("epair0a", GROUP, 520, 520, emitRip({ command, version: 2, entries }));
          net.runFor(2 * MS);
        },
      ),
      { numRuns: 300 },
    );
    net.runFor(10 * MINUTE); // timers over whatever was learned
    expect(d.status().running).toBe(true);
    for (const r of b.fib.get("rip")?.values() ?? []) expect(r.metric).toBeLessThan(16);
  });
});

describe("route selection (RFC 2453 3.9.2), message by message", () => {
  it("better replaces, equal from another is ignored, the next hop is always believed, 16 deletes", () => {
    const { b, d, send } = bench();
    const route = () => b.routeTo("10.9.0.0/16");
    const reason = () => d.status().routes.find((r) => r.dest === "10.9.0.0/16")?.reason;
    send("x", response(e("10.9.0.0", 16, 3)));
    expect(route()).toMatchObject({ gateway: "10.0.1.1", metric: 4 });
    send("y", response(e("10.9.0.0", 16, 3)));
    expect(route()).toMatchObject({ gateway: "10.0.1.1", metric: 4 }); // equal: first kept
    send("y", response(e("10.9.0.0", 16, 1)));
    expect(route()).toMatchObject({ gateway: "10.0.2.1", metric: 2 }); // better: replaced
    expect(reason()).toBe("better metric 2 via 10.0.2.1 (was 4 via 10.0.1.1)");
    send("x", response(e("10.9.0.0", 16, 1)));
    expect(route()).toMatchObject({ gateway: "10.0.2.1", metric: 2 }); // equal from another
    send("y", response(e("10.9.0.0", 16, 5)));
    expect(route()).toMatchObject({ gateway: "10.0.2.1", metric: 6 }); // worse, but from the next hop
    expect(reason()).toBe("metric changed 2 → 6 by 10.0.2.1");
    send("x", response(e("10.9.0.0", 16, 7)));
    expect(route()).toMatchObject({ gateway: "10.0.2.1", metric: 6 }); // worse from another
    send("y", response(e("10.9.0.0", 16, 15)));
    expect(route()).toBeUndefined(); // 15 + 1 = 16: unreachable, deletion starts
    expect(d.status().routes.find((r) => r.dest === "10.9.0.0/16")).toMatchObject({
      metric: 16,
      state: "garbage",
      reason: "withdrawn by 10.0.2.1 (metric 16)",
    });
    send("x", response(e("10.9.0.0", 16, 2)));
    expect(route()).toMatchObject({ gateway: "10.0.1.1", metric: 3 }); // a new route ends garbage collection
    expect(reason()).toBe("learned from 10.0.1.1 (metric 3)");
    send("x", response(e("10.9.0.0", 16, 16)));
    expect(route()).toBeUndefined();
    expect(reason()).toBe("withdrawn by 10.0.1.1 (metric 16)");
  });

  it("a route for one of our own networks never replaces the connected route", () => {
    const { b, send } = bench();
    send("x", response(e("10.0.2.0", 24, 1)));
    expect(b.routeTo("10.0.2.0/24")).toMatchObject({ source: "connected" });
    expect(b.fib.get("rip")?.size ?? 0).toBe(0);
  });
});

describe("requests (RFC 2453 3.9.1)", () => {
  const whole: RipRepr = {
    command: 1,
    version: 2,
    entries: [{ afi: 0, tag: 0, addr: 0, mask: 0, nextHop: 0, metric: 16 }],
  };

  it("a whole-table request from a neighbour gets the table with split horizon, to its address and port", () => {
    const { net, send } = bench();
    send("x", response(e("10.9.0.0", 16, 3)));
    send("y", response(e("10.8.0.0", 16, 3)));
    const start = net.wire.length;
    send("x", whole, { dst: ip("10.0.1.2") });
    const out = net.wire.slice(start).filter((w) => w.node === "b");
    expect(out.length).toBe(1);
    expect(out[0]).toMatchObject({
      iface: "epair0b",
      dst: ip("10.0.1.1"),
      srcPort: 520,
      dstPort: 520,
      ttl: 1,
    });
    // 10.9.0.0/16 came from x: poisoned back to it.
    expect(list(msg(out[0]!))).toEqual(["10.0.1.0/24 1", "10.0.2.0/24 1", "10.8.0.0/16 4", "10.9.0.0/16 16"]);
  });

  it("a request for specific entries is answered as is, without split horizon, to the asking port", () => {
    const { net, send } = bench();
    send("x", response(e("10.9.0.0", 16, 3)));
    const start = net.wire.length;
    const ask: RipRepr = {
      command: 1,
      version: 2,
      entries: [e("10.9.0.0", 16, 16), e("10.6.0.0", 16, 16), e("10.0.2.0", 24, 16)],
    };
    send("x", ask, { srcPort: 40000, dst: ip("10.0.1.2") });
    const out = net.wire.slice(start).filter((w) => w.node === "b");
    expect(out.length).toBe(1);
    expect(out[0]).toMatchObject({ dst: ip("10.0.1.1"), dstPort: 40000 });
    expect(msg(out[0]!).command).toBe(2);
    expect(list(msg(out[0]!))).toEqual(["10.9.0.0/16 4", "10.6.0.0/16 16", "10.0.2.0/24 1"]);
  });

  it("answers requests arriving on the multicast group too", () => {
    const { net, d, send } = bench();
    const start = net.wire.length;
    send("y", whole);
    expect(net.wire.slice(start).filter((w) => w.node === "b" && w.dst === ip("10.0.2.1")).length).toBe(1);
    expect(d.status().interfaces[1]).toMatchObject({ rxRequests: 1, txAnswers: 1, txRequests: 1 });
  });
});

describe("message size", () => {
  it("a table of more than 25 routes goes out in several messages of at most 25 entries", () => {
    const net = new TestNet(11);
    for (let i = 0; i < 30; i++) net.connect("hub", `leaf${i}`, `10.1.${i}.0/24`);
    net.start(() => new RipDaemon());
    net.runFor(2 * MINUTE);
    const start = net.wire.length;
    net.runFor(40 * SECOND);
    const fromHub = net.wire.slice(start).filter((w) => w.node === "hub" && w.iface === "epair0a");
    // One regular update (or two, jitter permitting): 30 routes → 25 + 5 entries per update.
    const sizes = fromHub.map((w) => msg(w).entries.length);
    expect(sizes.length % 2).toBe(0);
    expect(sizes.slice(0, 2)).toEqual([25, 5]);
    expect(Math.max(...fromHub.map((w) => w.payload.length))).toBe(504);
    // leaf0 learned every other leaf's network at metric 2.
    const leaf = net.node("leaf0");
    for (let i = 1; i < 30; i++)
      expect(leaf.routeTo(`10.1.${i}.0/24`)).toMatchObject({ gateway: "10.1.0.1", metric: 2 });
  });
});
