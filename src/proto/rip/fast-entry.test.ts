import { describe, expect, it } from "vitest";
import { MINUTE, SECOND } from "../../core/time.js";
import { Rng } from "../../core/rng.js";
import {
  emitRipEntry,
  emitRipHeader,
  RIP_ENTRY_LEN,
  RIP_HEADER_LEN,
  RIP_PORT,
  RIP_RESPONSE,
} from "../../wire/rip.js";
import { receive } from "./packets.js";
import { RipDaemon } from "./rip.js";
import { TestNet } from "./test-net.js";

/**
 * packets.ts's fast path (an entry naming the route at the table's hint, told apart from the
 * route's columns) must do exactly what the full path does (learnEntry: checks, lookup, learn).
 * Two identical networks receive the same entries at the same instant: one as messages of up
 * to 25 in prefix order (the fast path's case), the other one entry a message with the table's
 * hint moved past its end first (so every entry takes the full path). Their routes must agree.
 */
const EDGES = `a b 10.0.1.0/24
a c 10.0.2.0/24
b c 10.0.3.0/24
b d 10.0.4.0/24
c d 10.0.5.0/24
d e 10.0.6.0/24
c e 10.0.7.0/24
e f 10.0.8.0/24`;

function network(seed: number): { net: TestNet; daemon: (name: string) => RipDaemon } {
  const net = TestNet.fromEdges(EDGES, { seed });
  const daemons = new Map<string, RipDaemon>();
  net.start((n) => {
    const d = new RipDaemon();
    daemons.set(n.name, d);
    return d;
  });
  return { net, daemon: (name) => daemons.get(name)! };
}

interface Entry {
  addr: number;
  len: number;
  tag: number;
  nextHop: number;
  metric: number;
}

function message(entries: readonly Entry[]): Uint8Array {
  const b = new Uint8Array(RIP_HEADER_LEN + entries.length * RIP_ENTRY_LEN);
  emitRipHeader(b, 0, RIP_RESPONSE, 2);
  entries.forEach((e, k) => {
    const mask = e.len === 0 ? 0 : (0xffffffff << (32 - e.len)) >>> 0;
    emitRipEntry(b, RIP_HEADER_LEN + k * RIP_ENTRY_LEN, 2, e.tag, e.addr, mask, e.nextHop, e.metric);
  });
  return b;
}

/** Entries about `d`'s own routes in prefix order, each changed at random (or not). */
function entriesFor(d: RipDaemon, rng: Rng): Entry[] {
  const routes = d.sortedRoutes();
  const first = Math.floor(rng.float() * routes.length);
  const out: Entry[] = [];
  for (const r of routes.slice(first, first + 25)) {
    const roll = rng.float();
    const metric =
      roll < 0.4
        ? r.metric - 1 // a refresh at the same metric (when from the route's router)
        : roll < 0.55
          ? r.metric // one worse
          : roll < 0.7
            ? r.metric - 2 // one better
            : roll < 0.8
              ? 16
              : roll < 0.9
                ? 15
                : 1 + Math.floor(rng.float() * 16);
    out.push({
      addr: r.dest,
      len: r.len,
      tag: rng.float() < 0.9 ? r.tag : 7,
      nextHop: 0,
      metric: Math.max(0, Math.min(16, metric)),
    });
  }
  return out;
}

describe("RIP's fast path for entries that change nothing", () => {
  it("leaves every route as the full path does, refreshes, news from others and equal metrics alike", () => {
    for (let seed = 1; seed <= 6; seed++) {
      const fast = network(seed);
      const full = network(seed);
      const rng = new Rng(100 + seed);
      let delivered = 0;
      for (let round = 0; round < 40; round++) {
        // Both networks stay in step: same seed, same entries, same instants.
        const step = (10 + Math.floor(rng.float() * 80)) * SECOND;
        fast.net.runFor(round === 0 ? 2 * MINUTE : step);
        full.net.runFor(round === 0 ? 2 * MINUTE : step);
        // Links cut silently: the routes through them age past half their timeout, when an
        // equal metric from another router replaces them (RFC 2453 3.9.2's heuristic).
        const cut = round === 8 ? ["b", "d"] : round === 20 ? ["c", "e"] : undefined;
        if (cut !== undefined) for (const n of [fast.net, full.net]) n.linkDown(cut[0]!, cut[1]!, true);
        const node = ["a", "b", "c", "d", "e", "f"][Math.floor(rng.float() * 6)]!;
        const host = fast.net.node(node);
        const links = host.ifaces.filter((i) => i.link !== null);
        const iface = links[Math.floor(rng.float() * links.length)]!;
        const from = iface.link!.peer(iface).addr;
        const entries = entriesFor(fast.daemon(node), rng);
        const datagram = (payload: Uint8Array) => ({
          src: from,
          dst: 0xe0000009,
          srcPort: RIP_PORT,
          dstPort: RIP_PORT,
          ttl: 1,
          iface: iface.index,
          payload,
        });
        expect(receive(fast.daemon(node), datagram(message(entries)))).toBe(true);
        const ref = full.daemon(node);
        for (const e of entries) {
          const last = ref.sortedRoutes().at(-1)!;
          ref.routeTable.slotOf(last.dest, last.len); // the hint past the end: the full path
          receive(ref, datagram(message([e])));
        }
        delivered += entries.length;
        expect(fast.daemon(node).status().routes, `seed ${seed} round ${round} ${node}`).toEqual(
          ref.status().routes,
        );
      }
      expect(fast.net.routeLog).toEqual(full.net.routeLog);
      expect(delivered).toBeGreaterThan(100);
    }
  });
});
