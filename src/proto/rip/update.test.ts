import { describe, expect, it } from "vitest";
import { formatIpv4, maskOf } from "../../core/ip.js";
import { MINUTE, SECOND } from "../../core/time.js";
import { isWireError } from "../../wire/error.js";
import { parseRip, RIP_INFINITY, RIP_MAX_ENTRIES } from "../../wire/rip.js";
import type { SplitHorizon } from "./settings.js";
import { RipDaemon } from "./rip.js";
import { TestNet } from "./test-net.js";

/**
 * hub with three arms of ten routers each: 30 subnets, so a whole-table update is two messages
 * (25 + 5) out of each of the hub's three interfaces.
 */
function star(split: SplitHorizon) {
  const net = new TestNet(3);
  let subnet = 0;
  for (const arm of ["a", "b", "c"])
    for (let k = 0; k < 10; k++)
      net.connect(k === 0 ? "hub" : `${arm}${k - 1}`, `${arm}${k}`, `10.${subnet++}.0.0/24`);
  const daemons = new Map<string, RipDaemon>();
  net.start((n) => {
    const d = new RipDaemon({ splitHorizon: split });
    daemons.set(n.name, d);
    return d;
  });
  return { net, hub: daemons.get("hub")! };
}

/**
 * sendUpdate encodes an update's entries once for all interfaces (packets.ts): each interface's
 * messages must still be what RFC 2453 3.4.3 and 3.10.2 say of that interface — every route in
 * prefix order, at most 25 a message, those learned on the interface at metric 16 with poisoned
 * reverse and as they are without split horizon.
 */
describe("a whole-table update out of each interface", () => {
  for (const split of ["poisoned", "off"] as const)
    it(`lists every route, in prefix order, with the metric of ${split} split horizon on that interface`, () => {
      const { net, hub } = star(split);
      net.runFor(2 * MINUTE);
      const routes = hub.sortedRoutes();
      expect(routes.length).toBe(30);
      const start = net.now;
      net.runFor(40 * SECOND); // one regular update at least
      const sent = net.wire.filter((w) => w.node === "hub" && w.t > start && w.dstPort === 520);
      for (const iface of net.node("hub").ifaces.filter((i) => i.isLink)) {
        const out = sent.filter((w) => w.iface === iface.name);
        // The first whole-table update out of this interface after `start`: its messages in order.
        const messages = out.map((w) => parseRip(w.payload)).filter((m) => !isWireError(m));
        const first: string[] = [];
        for (const m of messages) {
          if (isWireError(m)) continue;
          expect(m.entries.length).toBeLessThanOrEqual(RIP_MAX_ENTRIES);
          for (const e of m.entries) first.push(`${formatIpv4(e.addr)}/${e.mask} ${e.metric}`);
          if (first.length >= routes.length) break;
        }
        const expected = routes.map((r) => {
          const poisoned = split === "poisoned" && !r.connected && r.iface === iface.index;
          return `${formatIpv4(r.dest)}/${maskOf(r.len)} ${poisoned ? RIP_INFINITY : r.metric}`;
        });
        expect(first).toEqual(expected);
        expect(messages[0] !== undefined && !isWireError(messages[0]) && messages[0].entries.length).toBe(25);
      }
    });
});
