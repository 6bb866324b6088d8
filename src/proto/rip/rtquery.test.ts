import { describe, expect, it } from "vitest";
import { MINUTE, SECOND } from "../../core/time.js";
import type { Datagram } from "../../sim/host.js";
import { isWireError } from "../../wire/error.js";
import { emitRip, parseRip, type RipRepr } from "../../wire/rip.js";
import { RipDaemon } from "./rip.js";
import { rtqueryFormat, rtqueryRequest } from "./rtquery.js";
import { ip, TestNet } from "./test-net.js";

function lineNet() {
  const net = new TestNet(2);
  net.connect("r0", "r1", "10.0.0.0/24");
  net.connect("r1", "r2", "10.0.1.0/24");
  net.connect("r2", "r3", "10.0.2.0/24");
  net.start(() => new RipDaemon());
  net.runFor(2 * MINUTE);
  return net;
}

/** Sends a query from r0's port 40000 to `target` and collects the answers. */
function query(net: TestNet, target: number, req: RipRepr): Datagram[] {
  const got: Datagram[] = [];
  const sock = net.node("r0").udpBind(40000, (d) => got.push({ ...d, payload: d.payload.slice() }));
  net.node("r0").sendUdp(target, 40000, 520, emitRip(req));
  net.runFor(1 * SECOND);
  sock.close();
  return got;
}

const parse = (d: Datagram) => {
  const m = parseRip(d.payload);
  if (isWireError(m)) throw new Error(m.reason);
  return m;
};

describe("rtquery", () => {
  it("asks a router two hops away for its whole table: answered as is, with next hops, through the routing table", () => {
    const net = lineNet();
    const got = query(net, ip("10.0.1.2"), rtqueryRequest());
    expect(got.length).toBe(1);
    expect(got[0]).toMatchObject({ src: ip("10.0.1.2"), srcPort: 520, dstPort: 40000 });
    expect(got[0]!.ttl).toBeGreaterThan(1); // not the TTL 1 of router-to-router messages
    const text = rtqueryFormat(parse(got[0]!), "10.0.1.2", { numeric: true, size: got[0]!.payload.length });
    expect(text).toBe(
      [
        "10.0.1.2: RIPv2 64 bytes",
        "  10.0.0.0/24        metric  2            nhop=10.0.1.1       ",
        "  10.0.1.0/24        metric  1           ",
        "  10.0.2.0/24        metric  1           ",
        "",
      ].join("\n"),
    );
    // No split horizon for a query: 10.0.0.0/24 came in over the interface the query used.
    const names: Record<string, string> = { "10.0.1.1": "r1" };
    const named = rtqueryFormat(parse(got[0]!), "r2 (10.0.1.2)", {
      resolve: (a) => names[`${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}`],
    });
    expect(named.split("\n")[0]).toBe("r2 (10.0.1.2): RIPv2 64 bytes");
    expect(named.split("\n")[1]).toBe("  10.0.0.0/24        metric  2            nhop=r1             ");
  });

  it("-r asks for one route: the metric is filled in, 16 when unknown", () => {
    const net = lineNet();
    const one = query(net, ip("10.0.1.2"), rtqueryRequest({ addr: ip("10.0.0.0"), len: 24 }));
    expect(rtqueryFormat(parse(one[0]!), "10.0.1.2", { numeric: true })).toBe(
      "10.0.1.2: RIPv2 24 bytes\n  10.0.0.0/24        metric  2           \n",
    );
    const none = query(net, ip("10.0.1.2"), rtqueryRequest({ addr: ip("192.168.0.0"), len: 16 }));
    expect(parse(none[0]!).entries[0]!.metric).toBe(16);
  });

  it("a router answers a query from itself (rtquery localhost)", () => {
    const net = lineNet();
    const got: Datagram[] = [];
    const r1 = net.node("r1");
    r1.udpBind(40001, (d) => got.push(d));
    r1.sendUdp(ip("10.0.0.2"), 40001, 520, emitRip(rtqueryRequest()));
    net.runFor(1 * SECOND);
    expect(got.length).toBe(1);
    expect(parse(got[0]!).entries.length).toBe(3);
  });

  it("prints the odd cases as rtquery does", () => {
    const r = (entries: RipRepr["entries"], version = 2, command = 2): RipRepr => ({
      command,
      version,
      entries,
    });
    const base = { afi: 2, tag: 0, nextHop: 0, metric: 3 };
    expect(rtqueryFormat(r([], 2, 1), "h")).toBe("h:\n    unexpected response type 1\n");
    expect(rtqueryFormat(r([{ ...base, addr: 0, mask: 0 }]), "h")).toBe(
      "h: RIPv2 24 bytes\n  0.0.0.0            metric  3 default   \n",
    );
    expect(
      rtqueryFormat(r([{ ...base, addr: ip("10.1.0.0"), mask: 0xff00ff00, tag: 7 }]), "h", { numeric: true }),
    ).toBe("h: RIPv2 24 bytes\n  10.1.0.0 (mask 0xff00ff00) metric  3            tag=0x7\n");
    expect(
      rtqueryFormat(r([{ ...base, addr: ip("10.1.0.0"), mask: 0xffff0000 }], 1), "h", { numeric: true }),
    ).toBe("h: RIPv1 24 bytes\n  10.1.0.0 mask=0xffff0000 ?  metric  3           \n");
    expect(rtqueryFormat(r([{ ...base, afi: 7, addr: ip("1.2.3.4"), mask: 0 }]), "h")).toBe(
      "h: RIPv2 24 bytes\n  (af 0x7) 1.2.3.4   metric  3           \n",
    );
    // cleartext password authentication entry: "secret"
    const pw = { afi: 0xffff, tag: 2, addr: 0x73656372, mask: 0x65740000, nextHop: 0, metric: 0 };
    expect(
      rtqueryFormat(r([pw, { ...base, addr: ip("10.1.0.0"), mask: 0xffff0000 }]), "h", { numeric: true }),
    ).toBe(
      'h: RIPv2 44 bytes\n  Password Authentication: "secret"\n  10.1.0.0/16        metric  3           \n',
    );
    // host routes get the host's name when names are on
    expect(
      rtqueryFormat(r([{ ...base, addr: ip("10.0.0.5"), mask: 0xffffffff }]), "h", { resolve: () => "vm5" }),
    ).toBe("h: RIPv2 24 bytes\n  10.0.0.5/32        metric  3 vm5       \n");
  });
});
