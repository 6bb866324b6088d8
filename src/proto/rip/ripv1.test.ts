/**
 * RIP version 1 (RFC 1058), as the seed's `routed -s -m` spoke it (no `-P ripv2`: routed
 * output.c rip_bcast() picks `vers = IS_NO_RIPV1_OUT ? RIPv2 : RIPv1` and broadcasts to
 * `int_brdaddr`; parms.c sets IS_NO_RIPV1_OUT only for `ripv2_out`/`ripv2`).
 */
import { describe, expect, it } from "vitest";
import { formatIpv4, parseIpv4 } from "../../core/ip.js";
import { MINUTE, SECOND } from "../../core/time.js";
import { isWireError } from "../../wire/error.js";
import { parseRip, type RipRepr } from "../../wire/rip.js";
import { RipDaemon } from "./rip.js";
import { broadcastOf, inferredLen, v1Entries } from "./ripv1.js";
import { TestNet, type WireRecord } from "./test-net.js";

const ip = (s: string) => {
  const a = parseIpv4(s);
  if (a === undefined) throw new Error(s);
  return a;
};

function msg(r: WireRecord): RipRepr {
  const m = parseRip(r.payload);
  if (isWireError(m)) throw new Error(m.reason);
  return m;
}

describe("mask inference (routed if.c ripv1_mask_net / ripv1_mask_host)", () => {
  const epair = { addr: ip("10.0.10.1"), len: 24 };
  const cases: [string, { addr: number; len: number } | undefined, number][] = [
    ["10.0.30.0", epair, 24], // in the interface's natural network 10/8: the interface's mask
    ["10.0.30.7", epair, 32], // bits beyond it: a host
    ["10.0.0.0", undefined, 8], // no interface: the natural (class A) mask
    ["172.16.0.0", epair, 16], // another natural network: class B
    ["172.16.5.0", epair, 32], // … a subnet of it cannot be told from a host
    ["192.168.7.0", epair, 24], // class C
    ["0.0.0.0", epair, 0], // the default route
  ];
  for (const [addr, iface, len] of cases)
    it(`${addr} → /${len}`, () => expect(inferredLen(ip(addr), iface)).toBe(len));
});

describe("what a version 1 update carries", () => {
  const out = { addr: ip("10.0.10.1"), len: 24 };
  const r = (p: string, len: number, metric: number, wanted = true) => ({ dest: ip(p), len, metric, wanted });

  it("subnets of its own natural network as they are; others folded into their network, best metric", () => {
    const list = v1Entries(
      [
        r("10.0.30.0", 24, 2),
        r("10.0.40.0", 24, -1), // left out by split horizon
        r("172.16.1.0", 24, 3),
        r("172.16.2.0", 24, 2),
        r("192.168.1.0", 24, 4),
      ],
      out,
    );
    expect(list.map((e) => `${formatIpv4(e.addr)} ${e.metric}`)).toEqual([
      "10.0.30.0 2",
      "192.168.1.0 4",
      "172.16.0.0 2",
    ]);
  });

  it("a triggered update sends a folded network when one of its subnets changed", () => {
    const list = v1Entries(
      [r("10.0.30.0", 24, 2, false), r("172.16.1.0", 24, 16, true), r("172.16.2.0", 24, 3, false)],
      out,
    );
    expect(list).toEqual([{ addr: ip("172.16.0.0"), metric: 3 }]);
  });

  it("goes to the subnet's broadcast address", () => {
    expect(formatIpv4(broadcastOf(out))).toBe("10.0.10.255");
    expect(formatIpv4(broadcastOf({ addr: ip("10.0.0.1"), len: 31 }))).toBe("255.255.255.255");
  });
});

/** r0 - r1 - … on 10.0.0.0/24, 10.0.1.0/24, … (left end .1, right end .2); versions per node. */
function line(versions: (1 | 2)[]) {
  const net = new TestNet(1);
  for (let i = 0; i + 1 < versions.length; i++) net.connect(`r${i}`, `r${i + 1}`, `10.0.${i}.0/24`);
  const daemons = new Map<string, RipDaemon>();
  net.start((n) => {
    const d = new RipDaemon({ version: versions[Number(n.name.slice(1))]! });
    daemons.set(n.name, d);
    return d;
  });
  return { net, d: (name: string) => daemons.get(name)! };
}

describe("RipDaemon with version: 1", () => {
  it("broadcasts version 1 updates to the subnet, without masks, and converges on the right prefixes", () => {
    const { net } = line([1, 1, 1]);
    net.runFor(2 * MINUTE);
    const sent = net.wire.filter((w) => w.node === "r1" && w.iface === "epair0b" && msg(w).command === 2);
    // Updates to the subnet's broadcast address; the answer to r0's request to r0 itself.
    const updates = sent.filter((w) => w.dst === ip("10.0.0.255"));
    expect(updates.length).toBeGreaterThan(2);
    expect(sent.filter((w) => w.dst !== ip("10.0.0.255")).map((w) => formatIpv4(w.dst))).toEqual([
      "10.0.0.1",
    ]);
    for (const w of sent) {
      expect(w).toMatchObject({ srcPort: 520, dstPort: 520 });
      const m = msg(w);
      expect(m.version).toBe(1);
      for (const e of m.entries) expect([e.mask, e.tag, e.nextHop]).toEqual([0, 0, 0]);
    }
    // The start-up request is a version 1 broadcast too.
    const req = net.wire.find((w) => w.node === "r0" && msg(w).command === 1)!;
    expect(req.dst).toBe(ip("10.0.0.255"));
    expect([...req.payload]).toEqual([1, 1, 0, 0, ...new Array(16).fill(0), 0, 0, 0, 16]);
    // 10.0.1.0 came without a mask; r0 infers /24 from its interface (both in 10/8).
    expect(net.node("r0").routeTo("10.0.1.0/24")).toMatchObject({ gateway: "10.0.0.2", metric: 2 });
    expect(net.node("r2").routeTo("10.0.0.0/24")).toMatchObject({ gateway: "10.0.1.1", metric: 2 });
  });

  it("a version 1 router takes version 2 updates too (routed); a version 2 router refuses version 1", () => {
    const { net, d } = line([2, 1, 2, 2]);
    net.runFor(5 * MINUTE);
    // r1 (v1) learns 10.0.2.0/24 from r2's version 2 updates…
    expect(net.node("r1").routeTo("10.0.2.0/24")).toMatchObject({ gateway: "10.0.1.2", metric: 2 });
    expect(d("r1").counter("version")).toBe(0);
    // …but r0 and r2 take version 2 only: what r0 learned from r1's version 2 answer to its
    // start-up request timed out, since r1's version 1 broadcasts are refused.
    expect(net.node("r0").routeTo("10.0.1.0/24")).toBeUndefined();
    expect(net.node("r0").routeTo("10.0.2.0/24")).toBeUndefined();
    expect(d("r0").counter("version")).toBeGreaterThan(5);
  });

  it("link down: the news goes out at once in a version 1 triggered update", () => {
    const { net } = line([1, 1, 1]);
    net.runFor(2 * MINUTE);
    const t0 = net.now;
    const start = net.wire.length;
    net.linkDown("r1", "r2");
    net.runFor(1 * SECOND);
    const trig = net.wire.slice(start).filter((w) => w.node === "r1" && w.iface === "epair0b");
    expect(trig[0]!.t).toBe(t0);
    expect(msg(trig[0]!).entries.map((e) => `${formatIpv4(e.addr)} ${e.metric}`)).toEqual(["10.0.1.0 16"]);
    expect(net.node("r0").routeTo("10.0.1.0/24")).toBeUndefined();
  });
});
