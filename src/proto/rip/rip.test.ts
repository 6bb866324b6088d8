import { describe, expect, it } from "vitest";
import { formatIpv4, lenOfMask } from "../../core/ip.js";
import { MINUTE, MS, SECOND } from "../../core/time.js";
import type { RipSettings } from "../../topology/model.js";
import { isWireError } from "../../wire/error.js";
import { parseRip, type RipRepr } from "../../wire/rip.js";
import { RipDaemon } from "./rip.js";
import { TestNet, type WireRecord } from "./test-net.js";

/** r0 - r1 - r2 - r3 on 10.0.0.0/24, 10.0.1.0/24, 10.0.2.0/24 (left end .1, right end .2). */
function line(settings: Partial<RipSettings> = {}, seed = 1) {
  const net = new TestNet(seed);
  net.connect("r0", "r1", "10.0.0.0/24");
  net.connect("r1", "r2", "10.0.1.0/24");
  net.connect("r2", "r3", "10.0.2.0/24");
  const daemons = new Map<string, RipDaemon>();
  net.start((n) => {
    const d = new RipDaemon(settings);
    daemons.set(n.name, d);
    return d;
  });
  return { net, d: (name: string) => daemons.get(name)! };
}

function msg(r: WireRecord): RipRepr {
  const m = parseRip(r.payload);
  if (isWireError(m)) throw new Error(m.reason);
  return m;
}
const entries = (r: WireRecord) =>
  msg(r).entries.map((e) => `${formatIpv4(e.addr)}/${lenOfMask(e.mask)} ${e.metric}`);
/** RIP responses a node multicast on one interface, from index `from` of the capture on. */
const updates = (net: TestNet, node: string, iface: string, from = 0) =>
  net.wire
    .slice(from)
    .filter((w) => w.node === node && w.iface === iface && w.dst === 0xe0000009 && msg(w).command === 2);

describe("split horizon", () => {
  const cases: [RipSettings["splitHorizon"], string[]][] = [
    ["poisoned", ["10.0.0.0/24 16", "10.0.1.0/24 1", "10.0.2.0/24 1"]],
    ["simple", ["10.0.1.0/24 1", "10.0.2.0/24 1"]],
    ["off", ["10.0.0.0/24 2", "10.0.1.0/24 1", "10.0.2.0/24 1"]],
  ];
  for (const [mode, towardsR1] of cases) {
    it(`${mode}: what r2 sends back towards r1, and towards r3`, () => {
      const { net } = line({ splitHorizon: mode });
      net.runFor(2 * MINUTE);
      const start = net.wire.length;
      net.runFor(40 * SECOND); // at least one regular update on each interface
      const left = updates(net, "r2", "epair1b", start);
      const right = updates(net, "r2", "epair2a", start);
      expect(left.length).toBeGreaterThan(0);
      // 10.0.0.0/24 was learned from r1 over epair1b: poisoned, left out, or echoed back.
      expect(entries(left.at(-1)!)).toEqual(towardsR1);
      expect(entries(right.at(-1)!)).toEqual(["10.0.0.0/24 2", "10.0.1.0/24 1", "10.0.2.0/24 1"]);
    });
  }

  it("updates are multicast to 224.0.0.9 from and to port 520, TTL 1, TOS 0xc0", () => {
    const { net } = line();
    net.runFor(1 * MINUTE);
    const u = updates(net, "r1", "epair0b");
    expect(u.length).toBeGreaterThan(0);
    for (const w of u) {
      expect(w).toMatchObject({ dst: 0xe0000009, srcPort: 520, dstPort: 520, ttl: 1, tos: 0xc0 });
      expect(w.src).toBe(net.addr("r1", "r0"));
      expect(msg(w).version).toBe(2);
    }
  });
});

describe("timers", () => {
  it("regular updates come every 30 s ± 5 s", () => {
    const { net } = line();
    net.runFor(2 * MINUTE); // converged: from now on only regular updates
    const start = net.wire.length;
    net.runFor(10 * MINUTE);
    const t = updates(net, "r1", "epair1a", start).map((w) => w.t);
    const gaps = t.slice(1).map((x, i) => x - t[i]!);
    expect(gaps.length).toBeGreaterThan(15);
    expect(gaps.length).toBeLessThan(25);
    for (const g of gaps) {
      expect(g).toBeGreaterThanOrEqual(25 * SECOND);
      expect(g).toBeLessThanOrEqual(35 * SECOND);
    }
    // Jittered, not a fixed clock.
    expect(new Set(gaps).size).toBeGreaterThan(gaps.length / 2);
  });

  // RFC 2453 3.10.1 holds back the *next* triggered update 1–5 s after one is sent; the first
  // goes out at once, as routed's flash update (main.c: rip_bcast(1) once `no_flash` has
  // passed; output.c rip_bcast() sets no_flash = now + MIN_WAITTIME..MAX_WAITTIME after
  // sending) and FRR's (ripd.c rip_triggered_update()).
  it("the first triggered update leaves at once and lists only the changed routes; the next waits 1–5 s", () => {
    const { net, d } = line();
    net.runFor(2 * MINUTE);
    // Cut right after r2's regular update, so the next one is ≥ 25 s away and cannot suppress.
    const sent = d("r2").status().interfaces[0]!.txUpdates;
    net.runUntilTrue(() => d("r2").status().interfaces[0]!.txUpdates > sent, 40 * SECOND);
    const t0 = net.now;
    const start = net.wire.length;
    net.linkDown("r2", "r3");
    net.runFor(100 * MS);
    const first = updates(net, "r2", "epair1b", start);
    expect(first.length).toBe(1);
    expect(first[0]!.t).toBe(t0);
    expect(entries(first[0]!)).toEqual(["10.0.2.0/24 16"]);
    // r1 believes its next hop and passes it on at once: r0 has forgotten 10.0.2.0/24.
    expect(net.node("r0").routeTo("10.0.2.0/24")).toBeUndefined();
    const ev = net.routeLog.find((e) => e.node === "r1" && e.action === "delete" && e.dest === 0x0a000200)!;
    expect(ev.reason).toBe("withdrawn by 10.0.1.2 (metric 16)");
    expect(d("r2").status().triggered.pending).toBe(false);
    // A change within the hold-back waits for its end, 1–5 s after the first update.
    net.linkUp("r2", "r3");
    const held = d("r2").status().triggered;
    expect(held.pending).toBe(true);
    expect(held.at! - t0).toBeGreaterThanOrEqual(1 * SECOND);
    expect(held.at! - t0).toBeLessThanOrEqual(5 * SECOND);
    net.runFor(6 * SECOND);
    const both = updates(net, "r2", "epair1b", start);
    expect(both.length).toBe(2);
    expect(both[1]!.t).toBe(held.at);
    expect(entries(both[1]!)).toEqual(["10.0.2.0/24 1"]);
  });

  it("a held-back triggered update is suppressed when the regular update is due first", () => {
    const { net, d } = line();
    net.runFor(2 * MINUTE);
    // Cut when r2's regular update is half a second away: the news goes out at once and the
    // hold-back (≥ 1 s) runs past the regular update.
    net.runUntil(d("r2").status().nextUpdate! - 500 * MS);
    const start = net.wire.length;
    net.linkDown("r2", "r3");
    net.runFor(100 * MS);
    const before = d("r2")
      .status()
      .interfaces.map((i) => i.txTriggered);
    net.linkUp("r2", "r3");
    expect(d("r2").status().triggered).toEqual({ pending: true, at: null });
    net.runFor(2 * SECOND);
    expect(
      d("r2")
        .status()
        .interfaces.map((i) => i.txTriggered),
    ).toEqual(before);
    // The regular update carried the second change with every other route.
    const u = updates(net, "r2", "epair1b", start);
    expect(u.map((w) => entries(w))).toEqual([
      ["10.0.2.0/24 16"],
      ["10.0.0.0/24 16", "10.0.1.0/24 1", "10.0.2.0/24 1"],
    ]);
  });

  it("silent loss: the route times out 180 s after the last update, and is gone 120 s later", () => {
    const { net, d } = line();
    net.runFor(2 * MINUTE);
    net.linkDown("r1", "r2", true);
    const nb = () =>
      d("r1")
        .status()
        .neighbours.find((n) => n.addr === "10.0.1.2")!;
    net.runFor(100 * SECOND);
    const last = nb().lastHeard;
    expect(net.node("r1").routeTo("10.0.2.0/24")).toMatchObject({ gateway: "10.0.1.2", metric: 2 });
    net.runUntil(last + 180 * SECOND - 1);
    expect(net.node("r1").routeTo("10.0.2.0/24")).toBeDefined();
    net.runUntil(last + 180 * SECOND);
    expect(net.node("r1").routeTo("10.0.2.0/24")).toBeUndefined();
    const ev = net.routeLog.filter((e) => e.node === "r1" && e.dest === 0x0a000200).at(-1)!;
    expect(ev).toMatchObject({ action: "delete", t: last + 180 * SECOND });
    expect(ev.reason).toBe("timeout (nothing from 10.0.1.2 for 180s)");
    const st = () =>
      d("r1")
        .status()
        .routes.find((r) => r.dest === "10.0.2.0/24");
    expect(st()).toMatchObject({ metric: 16, state: "timeout", expiresIn: 120 * SECOND });
    // Advertised as unreachable while it waits: r0 drops it after r1's triggered update.
    net.runFor(6 * SECOND);
    expect(net.node("r0").routeTo("10.0.2.0/24")).toBeUndefined();
    net.runUntil(last + 300 * SECOND - 1);
    expect(st()).toBeDefined();
    net.runUntil(last + 300 * SECOND);
    expect(st()).toBeUndefined();
  });

  it("an interface going down withdraws its routes at once and tells the other neighbours", () => {
    const { net, d } = line();
    net.runFor(2 * MINUTE);
    const t0 = net.now;
    net.linkDown("r1", "r2");
    // At once: 10.0.1.0/24 (connected) and 10.0.2.0/24 (via r2) unreachable in r1's database.
    const st = d("r1").status();
    expect(st.routes.filter((r) => r.metric === 16).map((r) => [r.dest, r.state, r.reason])).toEqual([
      ["10.0.1.0/24", "garbage", "interface epair1a down"],
      ["10.0.2.0/24", "garbage", "interface epair1a down"],
    ]);
    expect(net.node("r1").routeTo("10.0.2.0/24")).toBeUndefined();
    // r0 hears it within the triggered-update hold-back.
    net.runUntilTrue(() => net.node("r0").routeTo("10.0.2.0/24") === undefined, 10 * SECOND);
    expect(net.now - t0).toBeLessThanOrEqual(5 * SECOND + 10 * MS);
    expect(net.node("r0").routeTo("10.0.1.0/24")).toBeUndefined();
    // Link back up: request/answer restore the routes in milliseconds.
    const t1 = net.now;
    net.linkUp("r1", "r2");
    net.runUntilTrue(() => net.node("r1").routeTo("10.0.2.0/24") !== undefined, 10 * SECOND);
    expect(net.now - t1).toBeLessThan(10 * MS);
    net.runFor(10 * SECOND);
    expect(net.node("r0").routeTo("10.0.2.0/24")).toMatchObject({ gateway: "10.0.0.2", metric: 3 });
    expect(net.node("r3").routeTo("10.0.0.0/24")).toMatchObject({ gateway: "10.0.2.1", metric: 3 });
  });

  it("keeps at most three timers per node however many routes (BIRD style, not one per route)", () => {
    const net = new TestNet(3);
    for (let i = 0; i < 40; i++) net.connect("hub", `leaf${i}`, `10.1.${i}.0/24`);
    net.start(() => new RipDaemon());
    let most = 0;
    for (let s = 0; s < 300; s++) {
      net.runFor(1 * SECOND);
      most = Math.max(most, net.pendingTimers);
    }
    // 41 nodes with 40 routes each: a regular-update timer and a sweep timer per node, and a
    // triggered-update timer while one is held back.
    expect(most).toBeGreaterThanOrEqual(41 * 2);
    expect(most).toBeLessThanOrEqual(41 * 3);
  });
});

describe("counting to infinity", () => {
  /**
   * r1 has just sent a triggered update (its link to r4 broke), so its next one is held back
   * 1–5 s (RFC 2453 3.10.1). In that hold-back it loses its link to r2, just before r0's
   * regular update reaches it. r0 still thinks it can reach 10.0.2.0/24 through r1 (metric
   * 3). Without split horizon r0 says so to r1, which believes it (4 via r0) before its own
   * held-back update tells r0 the news; from then on each believes the other, and the metric
   * climbs to 16 (RFC 2453 3.4.2). Were r1's update not held back, r0 would hear the news a
   * link delay after the cut and nothing would count.
   */
  function cutBeforeR0Update(mode: RipSettings["splitHorizon"], seed = 1) {
    const net = new TestNet(seed);
    net.connect("r0", "r1", "10.0.0.0/24");
    net.connect("r1", "r2", "10.0.1.0/24");
    net.connect("r2", "r3", "10.0.2.0/24");
    net.connect("r1", "r4", "10.0.3.0/24");
    const daemons = new Map<string, RipDaemon>();
    net.start((n) => {
      const dn = new RipDaemon({ splitHorizon: mode });
      daemons.set(n.name, dn);
      return dn;
    });
    const d = (name: string) => daemons.get(name)!;
    net.runFor(2 * MINUTE);
    // Clear of r1's own regular update, which would carry the news at once.
    while (d("r1").status().nextUpdate! - d("r0").status().nextUpdate! < 6 * SECOND)
      net.runUntil(d("r0").status().nextUpdate! + 10 * MS);
    net.runUntil(d("r0").status().nextUpdate! - 300 * MS);
    net.linkDown("r1", "r4");
    net.runFor(100 * MS);
    const t0 = net.now;
    net.linkDown("r1", "r2");
    expect(d("r1").status().triggered.at! - t0).toBeGreaterThan(500 * MS);
    net.runFor(5 * MINUTE);
    const sets = (node: string) =>
      net.routeLog
        .filter((e) => e.t >= t0 && e.node === node && e.dest === 0x0a000200)
        .map((e) => (e.action === "set" ? e.metric : "gone"));
    return { net, sets };
  }

  for (const seed of [1, 2, 3]) {
    it(`split horizon off: r0 and r1 count 10.0.2.0/24 up to 16, then drop it (seed ${seed})`, () => {
      const { net, sets } = cutBeforeR0Update("off", seed);
      // r1 forgets it, believes r0's stale 3 (+1 = 4); r0 believes its next hop r1 (5), and so on.
      expect(sets("r1")).toEqual(["gone", 4, 6, 8, 10, 12, 14, "gone"]);
      expect(sets("r0")).toEqual([5, 7, 9, 11, 13, 15, "gone"]);
      expect(net.node("r0").routeTo("10.0.2.0/24")).toBeUndefined();
      expect(net.node("r1").routeTo("10.0.2.0/24")).toBeUndefined();
    });
  }

  for (const mode of ["poisoned", "simple"] as const) {
    it(`split horizon ${mode}: the same cut never loops`, () => {
      const { sets } = cutBeforeR0Update(mode);
      expect(sets("r1")).toEqual(["gone"]);
      expect(sets("r0")).toEqual(["gone"]);
    });
  }
});

describe("route selection", () => {
  it("equal metric from another router: kept the first, until it is halfway to its timeout", () => {
    // Triangle: a reaches b–c's subnet through b or c at metric 2; it asked b first.
    const net = new TestNet(5);
    net.connect("a", "b", "10.0.1.0/24");
    net.connect("a", "c", "10.0.2.0/24");
    net.connect("b", "c", "10.0.3.0/24");
    net.start(() => new RipDaemon());
    net.runFor(2 * MINUTE);
    expect(net.node("a").routeTo("10.0.3.0/24")).toMatchObject({ gateway: "10.0.1.2", metric: 2 });
    const before = net.routeLog.length;
    net.runFor(10 * MINUTE);
    expect(net.routeLog.slice(before)).toEqual([]); // c's equal offers never win
    // b goes quiet towards a (silently): once the route is 90 s old, c's next equal offer
    // wins (RFC 2453 3.9.2 heuristic), without waiting for the 180 s timeout.
    const t0 = net.now;
    net.linkDown("a", "b", true);
    net.runUntilTrue(() => net.node("a").routeTo("10.0.3.0/24")?.gateway === "10.0.2.2", 3 * MINUTE);
    expect(net.node("a").routeTo("10.0.3.0/24")).toMatchObject({ gateway: "10.0.2.2", metric: 2 });
    expect(net.now - t0).toBeGreaterThan(55 * SECOND);
    expect(net.now - t0).toBeLessThan(130 * SECOND);
    const ev = net.routeLog.filter((e) => e.node === "a" && e.dest === 0x0a000300).at(-1)!;
    expect(ev.reason).toMatch(/^10\.0\.1\.2 silent for (9\d|1\d\d)s: switched to 10\.0\.2\.2 \(metric 2\)$/);
  });
});

describe("status", () => {
  it("shows settings, timers, interfaces, neighbours and routes", () => {
    const { net, d } = line();
    net.runFor(2 * MINUTE);
    const st = d("r1").status();
    expect(st.node).toBe("r1");
    expect(st.settings.splitHorizon).toBe("poisoned");
    expect(st.nextUpdate! - net.now).toBeGreaterThan(0);
    expect(st.interfaces.map((i) => [i.name, i.addr, i.up])).toEqual([
      ["epair0b", "10.0.0.2", true],
      ["epair1a", "10.0.1.1", true],
    ]);
    expect(st.interfaces[0]!.rxResponses).toBeGreaterThan(2);
    expect(st.neighbours.map((n) => [n.addr, n.iface, n.routes])).toEqual([
      ["10.0.0.1", "epair0b", 0],
      ["10.0.1.2", "epair1a", 1],
    ]);
    expect(st.routes.map((r) => [r.dest, r.metric, r.nextHop, r.iface, r.state])).toEqual([
      ["10.0.0.0/24", 1, "", "epair0b", "active"],
      ["10.0.1.0/24", 1, "", "epair1a", "active"],
      ["10.0.2.0/24", 2, "10.0.1.2", "epair1a", "active"],
    ]);
    const r = st.routes[2]!;
    expect(r.age).toBeLessThan(36 * SECOND);
    expect(r.expiresIn).toBe(180 * SECOND - r.age);
    const text = d("r1").formatStatus();
    expect(text).toContain("RIP version 2 on r1: split horizon with poisoned reverse");
    expect(text).toContain("timers: update 30s (next in ");
    expect(text).toMatch(
      /10\.0\.2\.0\/24 +2 10\.0\.1\.2 +epair1a +\d+s +active +\d+m?\d*s? +learned from 10\.0\.1\.2/,
    );
    expect(text).toContain("10.0.1.2        on epair1a    heard ");
  });

  it("stop() cancels every timer and closes the socket", () => {
    const { net, d } = line();
    net.runFor(1 * MINUTE);
    for (const n of ["r0", "r1", "r2", "r3"]) d(n).stop();
    const count = net.wire.length;
    net.runFor(10 * MINUTE);
    expect(net.wire.length).toBe(count);
    expect(d("r1").status().running).toBe(false);
    // and it can start again (node reboot)
    d("r1").start(net.node("r1"));
    net.runFor(1 * SECOND);
    expect(net.wire.length).toBeGreaterThan(count);
  });
});
