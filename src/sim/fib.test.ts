import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { maskOf } from "../core/ip.js";
import { Fib, type Route } from "./fib.js";

const r = (dest: number, len: number, source: string, gateway = 0, metric = 1): Route => ({
  dest,
  len,
  gateway,
  iface: 1,
  metric,
  source,
  flags: "",
  use: 0,
});

describe("Fib", () => {
  it("prefers the longest prefix, then the most preferred source", () => {
    const f = new Fib();
    const changes: string[] = [];
    f.onChange = (a, x) => changes.push(`${a} ${x.len} ${x.source}`);
    f.set(r(0x0a000000, 8, "rip", 5));
    f.set(r(0x0a010000, 16, "rip", 6));
    f.set(r(0x0a010000, 16, "static", 7));
    expect(f.lookup(0x0a010203)?.gateway).toBe(7); // static beats rip on the same prefix
    expect(f.lookup(0x0a020203)?.gateway).toBe(5);
    f.delete("static", 0x0a010000, 16);
    expect(f.lookup(0x0a010203)?.gateway).toBe(6); // rip's route comes back
    f.delete("rip", 0x0a010000, 16);
    expect(f.lookup(0x0a010203)?.gateway).toBe(5);
    expect(f.lookup(0x0b000001)).toBeUndefined();
    expect(changes).toEqual([
      "add 8 rip",
      "add 16 rip",
      "change 16 static",
      "change 16 rip",
      "delete 16 rip",
    ]);
  });

  it("reports no change when a source re-installs the same route, and keeps its use count", () => {
    const f = new Fib();
    const changes: string[] = [];
    f.onChange = (a) => changes.push(a);
    const first = r(0x0a000000, 24, "rip", 9, 2);
    f.set(first);
    f.get(0x0a000000, 24)!.use = 5; // a view writes through to the FIB's column
    f.set(r(0x0a000000, 24, "rip", 9, 2));
    expect(changes).toEqual(["add"]);
    expect(f.get(0x0a000000, 24)?.use).toBe(5);
  });

  it("stamps when each source's route came or changed (FRR's uptime): not on a refresh, kept when hidden", () => {
    const f = new Fib();
    let now = 10;
    f.clock = () => now;
    f.setFields("rip", 0x0a000000, 24, 9, 1, 2, "G");
    now = 20;
    f.setFields("rip", 0x0a000000, 24, 9, 1, 2, "G"); // refreshed, unchanged
    expect(f.get(0x0a000000, 24)?.since).toBe(10);
    expect(f.lookup(0x0a000001)?.since).toBe(10); // the lookup cache's copy agrees
    now = 30;
    f.setFields("rip", 0x0a000000, 24, 9, 1, 3, "G"); // metric changed
    expect(f.get(0x0a000000, 24)?.since).toBe(30);
    expect(f.lookup(0x0a000001)?.since).toBe(30);
    now = 40;
    f.setFields("static", 0x0a000000, 24, 7, 1, 0, "GS"); // outranks rip's, which keeps its own
    now = 50;
    f.setFields("rip", 0x0a000000, 24, 9, 1, 3, "G"); // hidden and unchanged
    expect(f.all(true).map((x) => `${x.source} ${x.since}`)).toEqual(["static 40", "rip 30"]);
    now = 60;
    f.delete("static", 0x0a000000, 24);
    expect(f.get(0x0a000000, 24)).toMatchObject({ source: "rip", since: 30 });
  });

  it("updates a source's active route in place; a hidden candidate changes silently", () => {
    const f = new Fib();
    const changes: string[] = [];
    f.onChange = (a, x) => changes.push(`${a} ${x.source} ${x.metric}`);
    f.setFields("rip", 0x0a000000, 24, 9, 1, 2, "G");
    const active = f.get(0x0a000000, 24)!;
    f.setFields("rip", 0x0a000000, 24, 8, 1, 3, "G");
    expect(active.gateway).toBe(8); // a view of the slot: the new values
    expect(f.get(0x0a000000, 24)?.metric).toBe(3);
    f.set(r(0x0a000000, 24, "static", 7, 0));
    f.setFields("rip", 0x0a000000, 24, 6, 1, 4, "G"); // under the static route: no change shown
    expect(f.lookup(0x0a000001)?.gateway).toBe(7);
    f.delete("static", 0x0a000000, 24);
    expect(f.lookup(0x0a000001)?.gateway).toBe(6);
    expect(changes).toEqual(["add rip 2", "change rip 3", "change static 0", "change rip 4"]);
  });

  it("matches a brute-force longest-prefix match on random tables", () => {
    const entry = fc.record({
      addr: fc.integer({ min: 0, max: 0xffffffff }),
      len: fc.integer({ min: 0, max: 32 }),
      source: fc.constantFrom("connected", "static", "rip"),
    });
    fc.assert(
      fc.property(
        fc.array(entry, { maxLength: 40 }),
        fc.array(fc.integer({ min: 0, max: 0xffffffff }), { maxLength: 20 }),
        (es, probes) => {
          const f = new Fib();
          const live = new Map<string, Route>();
          es.forEach((e, i) => {
            const dest = (e.addr & maskOf(e.len)) >>> 0;
            const route = r(dest, e.len, e.source, i + 1);
            f.set(route);
            live.set(`${dest}/${e.len}/${e.source}`, route);
          });
          const pref: Record<string, number> = { connected: 0, static: 1, rip: 120 };
          for (const p of [...probes, ...es.map((e) => e.addr)]) {
            let best: Route | undefined;
            for (const c of live.values()) {
              if ((p & maskOf(c.len)) >>> 0 !== c.dest) continue;
              if (!best || c.len > best.len || (c.len === best.len && pref[c.source]! < pref[best.source]!))
                best = c;
            }
            expect(f.lookup(p)?.gateway).toBe(best?.gateway);
          }
          expect(f.all(true).length).toBe(live.size);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("answers like a brute-force match while routes come, change and go between lookups", () => {
    const op = fc.record({
      kind: fc.constantFrom("set", "set", "delete", "lookup", "lookup"),
      // A few addresses in one /22, so that routes and lookups keep meeting.
      addr: fc.constantFrom(0x0a000001, 0x0a000005, 0x0a000101, 0x0a000202, 0x0a0003fe),
      len: fc.constantFrom(22, 24, 30, 32),
      source: fc.constantFrom("connected", "static", "rip"),
      gateway: fc.integer({ min: 1, max: 9 }),
    });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 80 }), (ops) => {
        const f = new Fib();
        const live = new Map<string, { dest: number; len: number; source: string; gateway: number }>();
        const pref: Record<string, number> = { connected: 0, static: 1, rip: 120 };
        for (const o of ops) {
          const dest = (o.addr & maskOf(o.len)) >>> 0;
          const key = `${dest}/${o.len}/${o.source}`;
          if (o.kind === "set") {
            f.setFields(o.source, dest, o.len, o.gateway, 1, 1, "");
            live.set(key, { dest, len: o.len, source: o.source, gateway: o.gateway });
          } else if (o.kind === "delete") {
            expect(f.delete(o.source, dest, o.len)).toBe(live.delete(key));
          } else {
            let best: { len: number; source: string; gateway: number } | undefined;
            for (const c of live.values()) {
              if ((o.addr & maskOf(c.len)) >>> 0 !== c.dest) continue;
              if (!best || c.len > best.len || (c.len === best.len && pref[c.source]! < pref[best.source]!))
                best = c;
            }
            expect(f.lookup(o.addr)?.gateway).toBe(best?.gateway);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it("keeps thousands of prefixes through growth, deletions and slot reuse (its hash index)", () => {
    const f = new Fib();
    const live = new Map<string, number>();
    let x = 12345;
    const rand = () => {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      return x;
    };
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 4000; i++) {
        const len = 16 + (rand() % 17);
        const dest = (rand() & maskOf(len)) >>> 0;
        const gw = 1 + (rand() % 1000);
        f.setFields("rip", dest, len, gw, 1, 2, "G");
        live.set(`${dest}/${len}`, gw);
      }
      let k = 0;
      for (const key of [...live.keys()]) {
        if (k++ % 2 === 0) continue;
        const [d, l] = key.split("/").map(Number);
        expect(f.delete("rip", d!, l!)).toBe(true);
        live.delete(key);
      }
      expect(f.size).toBe(live.size);
      for (const [key, gw] of live) {
        const [d, l] = key.split("/").map(Number);
        expect(f.get(d!, l!)?.gateway).toBe(gw);
      }
    }
    expect(f.all().length).toBe(live.size);
  });

  it("sizes its columns by the hint: exactly that many slots for that many routes", () => {
    const f = new Fib(() => 1500);
    for (let i = 0; i < 1500; i++) f.set(r((0x0a000000 + i * 256) >>> 0, 24, "rip"));
    const store = (f as unknown as { store: { cols: { capacity: number } } }).store;
    expect(store.cols.capacity).toBe(1500);
    f.set(r(0x0b000000, 24, "rip")); // one more than the hint said: a quarter more
    expect(store.cols.capacity).toBe(1875);
  });

  it("keeps use counts through growth once the first is written (the column is made then)", () => {
    const f = new Fib();
    f.set(r(0x0a000000, 24, "rip"));
    expect(f.get(0x0a000000, 24)?.use).toBe(0);
    f.lookup(0x0a000001)!.use += 3; // counted in the lookup cache's route object
    for (let i = 1; i < 100; i++) f.set(r((0x0a000000 + i * 256) >>> 0, 24, "rip")); // empties the cache, grows
    expect(f.get(0x0a000000, 24)?.use).toBe(3);
    expect(f.get(0x0a000100, 24)?.use).toBe(0);
  });

  it("counts a route's use past 2^32 (netstat's Use is a u_long)", () => {
    const f = new Fib();
    f.setFields("static", 0x0a000000, 8, 1, 1, 0, "GS");
    const route = f.lookup(0x0a000001)!;
    route.use = 2 ** 32 - 1;
    route.use++;
    route.use++;
    expect(f.get(0x0a000000, 8)?.use).toBe(2 ** 32 + 1);
    f.delete("static", 0x0a000000, 8);
    f.setFields("static", 0x0b000000, 8, 1, 1, 0, "GS"); // reuses the slot: starts at 0
    expect(f.get(0x0b000000, 8)?.use).toBe(0);
  });

  it("keeps the use counted on a cached route when the cache is emptied, and its new fields", () => {
    const f = new Fib();
    f.setFields("rip", 0x0a000000, 24, 9, 1, 2, "G");
    for (let i = 0; i < 5; i++) f.lookup(0x0a000001)!.use++;
    f.lookup(0x0a000002)!.use++; // another destination, the same route
    f.setFields("rip", 0x0a000000, 24, 8, 2, 3, "G"); // in place: the cached route follows
    expect([f.lookup(0x0a000001)?.gateway, f.lookup(0x0a000001)?.iface]).toEqual([8, 2]);
    f.setFields("rip", 0x0b000000, 24, 9, 1, 2, "G"); // an add empties the cache
    expect(f.get(0x0a000000, 24)?.use).toBe(6);
    expect(f.all().find((r) => r.dest === 0x0a000000)?.use).toBe(6);
  });
});

describe("Fib multipath (OSPF's equal-cost next hops)", () => {
  const hops = [
    { gateway: 0x0a000a02, iface: 1 },
    { gateway: 0x0a001402, iface: 2 },
  ];

  it("keeps every next hop of a route that has several, in a side table only those routes use", () => {
    const f = new Fib();
    const changes: string[] = [];
    f.onChange = (a, x) => changes.push(`${a} ${x.multipath?.length ?? 1}`);
    f.setFields("rip", 0x0a000000, 24, 9, 1, 2, "G"); // RIP: one next hop, no side entry
    expect(f.multipathRoutes).toBe(0);
    f.setFields("ospf", 0x0a001e00, 24, 0, 0, 20, "G", 0, hops);
    expect(f.multipathRoutes).toBe(1);
    const r = f.get(0x0a001e00, 24)!;
    expect([r.gateway, r.iface]).toEqual([0x0a000a02, 1]); // the columns hold the first
    expect(r.multipath).toEqual(hops);
    expect(f.lookup(0x0a001e05)!.multipath).toEqual(hops);
    expect(f.all().find((x) => x.len === 24 && x.dest === 0x0a001e00)!.multipath).toEqual(hops);
    // The same set again is no change; losing one hop is.
    f.setFields("ospf", 0x0a001e00, 24, 0, 0, 20, "G", 0, [...hops]);
    f.setFields("ospf", 0x0a001e00, 24, 0x0a001402, 2, 20, "G", 0, [hops[1]!]);
    expect(f.get(0x0a001e00, 24)!.multipath).toBeUndefined();
    expect(f.lookup(0x0a001e05)!.gateway).toBe(0x0a001402);
    expect(f.multipathRoutes).toBe(0);
    expect(changes).toEqual(["add 1", "add 2", "change 1"]);
  });

  it("a multipath route hidden under a static one comes back with its set; a deleted one leaves no side entry", () => {
    const f = new Fib();
    f.setFields("ospf", 0x0a001e00, 24, 0, 0, 20, "G", 0, hops);
    f.setFields("static", 0x0a001e00, 24, 7, 1, 0, "GS");
    expect(f.get(0x0a001e00, 24)!.multipath).toBeUndefined();
    expect(f.multipathRoutes).toBe(0);
    expect(f.all(true).find((x) => x.source === "ospf")!.multipath).toEqual(hops);
    f.delete("static", 0x0a001e00, 24);
    expect(f.get(0x0a001e00, 24)!.multipath).toEqual(hops);
    f.delete("ospf", 0x0a001e00, 24);
    expect(f.size).toBe(0);
    expect(f.multipathRoutes).toBe(0);
  });
});
