/**
 * ARP on the simulator against FreeBSD 8's sys/netinet/if_ether.c (rev. 1.235; line numbers
 * below are that file's): what goes on the wire, what the cache holds, and when.
 */
import { describe, expect, it } from "vitest";
import type { LabEvent } from "../core/events.js";
import { formatMac } from "../core/mac.js";
import { MS, SECOND } from "../core/time.js";
import { ARPT_DOWN_S, ARPT_KEEP_S, arpListing } from "./arp.js";
import { buildNetwork } from "./build.js";
import { chainTopology, withChainStatics } from "./test-topology.js";

const ip = (s: string) => s.split(".").reduce((a, o) => a * 256 + Number(o), 0);

/** r1 — r2 — r3 with static routes: 10.0.0.0/24 (r1 .1, r2 .2), 10.0.1.0/24 (r2 .1, r3 .2). */
function chain(n = 3) {
  const net = buildNetwork(withChainStatics(chainTopology(n)), 1);
  const events: LabEvent[] = [];
  net.trace = (e) => events.push(e);
  const node = (name: string) => net.byName.get(name)!;
  /** `FROM>TO summary` of every ARP hop so far. */
  const arpHops = () =>
    events.flatMap((e) => (e.kind === "hop" && e.cls === "arp" ? [`${e.from}>${e.to} ${e.summary}`] : []));
  return { net, events, node, arpHops };
}

describe("ARP on a simulated link", () => {
  it("announces each address at boot (arp_ifinit) and keeps it as a permanent entry; the peer learns nothing from it", () => {
    const { net, node, arpHops, events } = chain(2);
    net.scheduler.runUntil(10 * MS);
    expect(arpHops().sort()).toEqual(["r1>r2 ARP announce 10.0.0.1", "r2>r1 ARP announce 10.0.0.2"]);
    // in_arpinput creates an entry only when the packet was for us (:671): not for an announcement.
    expect(events.filter((e) => e.kind === "drop").map((e) => (e.kind === "drop" ? e.reason : ""))).toEqual([
      "not-for-us",
      "not-for-us",
    ]);
    const r1 = arpListing(node("r1").ifaces, net.scheduler.now());
    expect(r1.map((e) => [e.addr, e.mac && formatMac(e.mac), e.expires])).toEqual([
      [ip("10.0.0.1"), "02:8f:d0:00:03:0a", undefined],
    ]);
  });

  it("resolves the next hop before the first packet: request broadcast, reply unicast, then the held packet", () => {
    const { net, node, events } = chain(3);
    net.scheduler.runUntil(10 * MS);
    events.length = 0;
    node("r1").sendIcmpEcho(ip("10.0.1.2"), 1, 1, new Uint8Array(8));
    net.scheduler.runUntil(SECOND);
    const hops = events.flatMap((e) => (e.kind === "hop" ? [`${e.from}>${e.to} ${e.summary}`] : []));
    expect(hops).toEqual([
      "r1>r2 ARP who-has 10.0.0.2 tell 10.0.0.1",
      "r2>r1 ARP reply 10.0.0.2 is-at 02:d1:1a:00:04:0b",
      "r1>r2 ICMP echo request id=0x0001 seq=1",
      "r2>r3 ARP who-has 10.0.1.2 tell 10.0.1.1",
      "r3>r2 ARP reply 10.0.1.2 is-at 02:2f:22:00:06:0b",
      "r2>r3 ICMP echo request id=0x0001 seq=1",
      // The asked learned the asker from the request (LLE_CREATE, :671): the reply needs no ARP.
      "r3>r2 ICMP echo reply id=0x0001 seq=1",
      "r2>r1 ICMP echo reply id=0x0001 seq=1",
    ]);
    // The frames carry the right MACs (each interface's own, as ifconfig prints it), unicast.
    const frames: string[] = [];
    net.capture = (_l, _t, f) => frames.push(`${formatMac(f, 6)}>${formatMac(f, 0)}`);
    node("r1").sendIcmpEcho(ip("10.0.1.2"), 1, 2, new Uint8Array(8));
    net.scheduler.runUntil(2 * SECOND);
    expect(frames).toEqual([
      "02:8f:d0:00:03:0a>02:d1:1a:00:04:0b",
      "02:ae:17:00:05:0a>02:2f:22:00:06:0b",
      "02:2f:22:00:06:0b>02:ae:17:00:05:0a",
      "02:d1:1a:00:04:0b>02:8f:d0:00:03:0a",
    ]);
  });

  it("holds one packet per unresolved neighbour: a newer one replaces it (la_hold, :366-376)", () => {
    const { net, node, events } = chain(2);
    net.scheduler.runUntil(10 * MS);
    events.length = 0;
    for (let s = 1; s <= 3; s++) node("r1").sendIcmpEcho(ip("10.0.0.2"), 1, s, new Uint8Array(8));
    net.scheduler.runUntil(SECOND);
    const requests = events.filter((e) => e.kind === "hop" && e.summary.startsWith("ARP who-has"));
    expect(requests).toHaveLength(1); // one a second at most (renew, :360)
    const ends = events.flatMap((e) =>
      (e.kind === "drop" || e.kind === "deliver") && e.cls === "echo-request"
        ? [`${e.kind === "drop" ? e.reason : "deliver"} ${e.summary}`]
        : [],
    );
    expect(ends).toEqual([
      "unresolved ICMP echo request id=0x0001 seq=1",
      "unresolved ICMP echo request id=0x0001 seq=2",
      "deliver ICMP echo request id=0x0001 seq=3",
    ]);
  });

  it("asks at most once a second, tells the sender EHOSTDOWN after 5 tries, and frees the entry 20 s after the last", () => {
    const { net, node, events } = chain(2);
    net.scheduler.runUntil(10 * MS);
    events.length = 0;
    node("r1").setRoute("static", { dest: ip("10.0.0.9"), len: 32, gateway: 0, iface: 1, metric: 1 }, "test");
    const results: string[] = [];
    // Twice a second for 4 s: 8 sends, requests only in new seconds.
    for (let k = 0; k < 8; k++) {
      net.scheduler.runUntil(SECOND + k * 500 * MS);
      const r = node("r1").sendIcmpEcho(ip("10.0.0.9"), 1, k, new Uint8Array(8));
      results.push(r.ok ? "ok" : r.error);
    }
    const asked = () =>
      events.filter((e) => e.kind === "hop" && e.summary === "ARP who-has 10.0.0.9 tell 10.0.0.1");
    // Sends at 1.0 1.5 2.0 2.5 3.0 3.5 4.0 4.5 s: requests at 1, 2, 3, 4 s.
    expect(asked()).toHaveLength(4);
    expect(results).toEqual(["ok", "ok", "ok", "ok", "ok", "ok", "ok", "ok"]);
    for (let k = 8; k < 10; k++) {
      net.scheduler.runUntil(SECOND + k * 500 * MS);
      const r = node("r1").sendIcmpEcho(ip("10.0.0.9"), 1, k, new Uint8Array(8));
      results.push(r.ok ? "ok" : r.error);
    }
    // 5 s: the fifth request (la_asked 4 < 5: still EWOULDBLOCK); 5.5 s: asked 5, no gateway.
    expect(results.slice(8)).toEqual(["ok", "EHOSTDOWN"]);
    const listed = () =>
      arpListing(node("r1").ifaces, net.scheduler.now()).filter((e) => e.addr === ip("10.0.0.9"));
    expect(listed()).toEqual([{ addr: ip("10.0.0.9"), iface: "epair0a", expires: 0 }]);
    net.scheduler.runUntil(5 * SECOND + (ARPT_DOWN_S - 1) * SECOND);
    expect(listed()).toHaveLength(1);
    net.scheduler.runUntil(5 * SECOND + (ARPT_DOWN_S + 1) * SECOND);
    expect(listed()).toHaveLength(0);
    // The last held packet died with the entry; every other one was replaced.
    const unresolved = events.filter((e) => e.kind === "drop" && e.reason === "unresolved");
    expect(unresolved).toHaveLength(10);
    expect(net.created).toBe(net.delivered + net.dropped);
  });

  it("a forwarding router answers host unreachable once ARP has given up, quoting the packet as it came", () => {
    const { net, node } = chain(3);
    node("r1").setRoute(
      "static",
      { dest: ip("10.0.1.9"), len: 32, gateway: ip("10.0.0.2"), iface: 1, metric: 1 },
      "test",
    );
    const got: number[][] = [];
    node("r1").icmpListen((m) => got.push([m.type, m.code, m.data[8]!]));
    for (let k = 0; k < 7; k++) {
      net.scheduler.runUntil(k * SECOND);
      node("r1").sendIcmpEcho(ip("10.0.1.9"), 1, k, new Uint8Array(8));
    }
    net.scheduler.runUntil(8 * SECOND);
    // Sends 1–5 held at r2 (EWOULDBLOCK); 6 and 7: ICMP unreachable host, quoting TTL 64 as the
    // packet arrived at r2, not the 63 it would leave with (mcopy, ip_input.c:1453-1473).
    expect(got).toEqual([
      [3, 1, 64],
      [3, 1, 64],
    ]);
  });

  it("a resolved entry lives max_age (20 min), refreshed by a request in its last 5 s of use", () => {
    const { net, node, events } = chain(2);
    node("r1").sendIcmpEcho(ip("10.0.0.2"), 1, 1, new Uint8Array(8));
    net.scheduler.runUntil(100 * MS);
    const e = () => arpListing(node("r1").ifaces, net.scheduler.now()).find((x) => x.addr === ip("10.0.0.2"));
    expect(e()?.expires).toBe(ARPT_KEEP_S);
    expect(e()?.mac && formatMac(e()!.mac!)).toBe("02:d1:1a:00:04:0b");
    // The entry's MAC as the forwarding path reads it (sim/mac-words.ts): the same six bytes.
    const learned = node("r1").ifaces[1]!.arp.get(ip("10.0.0.2"))!;
    expect([learned.macHi, learned.macLo]).toEqual([0x02d1, 0x1a00040b]);
    net.scheduler.runUntil((ARPT_KEEP_S - 10) * SECOND);
    expect(e()?.expires).toBe(10);
    // Unused, it lapses.
    net.scheduler.runUntil((ARPT_KEEP_S + 1) * SECOND);
    expect(e()).toBeUndefined();
    // Used within 5 s of lapsing, it asks again while still sending to the cached MAC (:331-337).
    node("r1").sendIcmpEcho(ip("10.0.0.2"), 1, 2, new Uint8Array(8));
    const t1 = net.scheduler.now();
    net.scheduler.runUntil(t1 + (ARPT_KEEP_S - 3) * SECOND);
    events.length = 0;
    node("r1").sendIcmpEcho(ip("10.0.0.2"), 1, 3, new Uint8Array(8));
    net.scheduler.runUntil(net.scheduler.now() + SECOND);
    const hops = events.flatMap((x) => (x.kind === "hop" ? [x.summary] : []));
    expect(hops).toEqual([
      "ARP who-has 10.0.0.2 tell 10.0.0.1",
      "ICMP echo request id=0x0001 seq=3",
      "ARP reply 10.0.0.2 is-at 02:d1:1a:00:04:0b",
      "ICMP echo reply id=0x0001 seq=3",
    ]);
    expect(e()?.expires).toBe(ARPT_KEEP_S - 1);
  });

  it("a crash empties the caches, dropping what they held; the reboot announces again", () => {
    const { net, node, events } = chain(2);
    node("r1").setRoute("static", { dest: ip("10.0.0.9"), len: 32, gateway: 0, iface: 1, metric: 1 }, "test");
    node("r1").sendIcmpEcho(ip("10.0.0.9"), 1, 1, new Uint8Array(8));
    node("r1").sendIcmpEcho(ip("10.0.0.2"), 1, 1, new Uint8Array(8));
    net.scheduler.runUntil(SECOND);
    node("r1").crash();
    expect(
      events.some((e) => e.kind === "drop" && e.reason === "node-down" && e.cls === "echo-request"),
    ).toBe(true);
    expect(arpListing(node("r1").ifaces, net.scheduler.now())).toEqual([]);
    events.length = 0;
    node("r1").boot();
    net.scheduler.runUntil(2 * SECOND);
    expect(events.some((e) => e.kind === "hop" && e.summary === "ARP announce 10.0.0.1")).toBe(true);
    expect(arpListing(node("r1").ifaces, net.scheduler.now()).map((e) => e.addr)).toEqual([ip("10.0.0.1")]);
  });

  it("no echo reply to a link broadcast (bmcastecho=0) and no forwarding of a directed broadcast", () => {
    const { net, node, events } = chain(3);
    const got: string[] = [];
    node("r1").icmpListen((m) => got.push(`${m.type}/${m.code}`));
    node("r1").sendIcmpEcho(ip("10.0.0.255"), 1, 1, new Uint8Array(8));
    net.scheduler.runUntil(SECOND);
    expect(got).toEqual([]);
    expect(
      events.some(
        (e) => e.kind === "drop" && e.reason === "not-for-us" && e.node === "r2" && e.cls === "echo-request",
      ),
    ).toBe(true);
    // r1 → 10.0.1.255, r3's subnet broadcast behind r2: ip_output refuses it (EACCES), host unreachable.
    node("r1").sendIcmpEcho(ip("10.0.1.255"), 1, 2, new Uint8Array(8));
    net.scheduler.runUntil(2 * SECOND);
    expect(got).toEqual(["3/1"]);
    expect(events.some((e) => e.kind === "drop" && e.reason === "broadcast" && e.node === "r2")).toBe(true);
  });
});
