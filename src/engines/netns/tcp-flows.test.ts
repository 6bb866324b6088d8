/**
 * engines/netns/tcp-flows: whose connection a captured segment is, and the handshake's socket
 * events — with the links' captures arriving out of order, as separate tcpdumps deliver them.
 */
import { describe, expect, it } from "vitest";
import type { LabEvent } from "../../core/events.js";
import { parseIpv4 } from "../../core/ip.js";
import { MS, SECOND } from "../../core/time.js";
import { type Segment, TcpFlows, tcpSegment } from "./tcp-flows.js";

const OWNERS: Record<string, string> = {
  "192.168.30.10": "client",
  "192.168.10.100": "relay",
  "192.168.10.200": "relay", // the post's alias
  "192.168.20.200": "server",
};
const ip = (s: string) => parseIpv4(s)!;

function flows() {
  const events: LabEvent[] = [];
  const owner = new Map(Object.entries(OWNERS).map(([a, n]) => [ip(a), n]));
  return {
    f: new TcpFlows(
      (a) => owner.get(a),
      (e) => events.push(e),
    ),
    events,
  };
}
const seg = (src: string, sport: number, dst: string, dport: number, flags: number): Segment => ({
  src: ip(src),
  sport,
  dst: ip(dst),
  dport,
  flags,
});
const states = (events: LabEvent[]) =>
  events.map((e) =>
    e.kind === "socket" ? `${e.node} ${e.user} ${e.local}>${e.remote} ${e.from}>${e.state}` : e.kind,
  );

describe("TcpFlows", () => {
  it("a marked SYN makes the connection its user's, both ways, whatever the TOS of the rest", () => {
    const { f, events } = flows();
    expect(f.seen(0, seg("192.168.30.10", 5000, "192.168.20.200", 22, 0x02), "alice")).toBe("alice");
    expect(f.seen(MS, seg("192.168.20.200", 22, "192.168.30.10", 5000, 0x12), "root")).toBe("alice");
    expect(f.seen(2 * MS, seg("192.168.30.10", 5000, "192.168.20.200", 22, 0x10), "root")).toBe("alice");
    // The retransmitted SYN of another connection that did not complete is not a second one.
    f.seen(3 * MS, seg("192.168.30.10", 5001, "192.168.20.200", 23, 0x02), "alice");
    f.seen(3 * MS, seg("192.168.30.10", 5001, "192.168.20.200", 23, 0x02), "alice");
    f.seen(4 * MS, seg("192.168.20.200", 23, "192.168.30.10", 5001, 0x14), "root");
    expect(states(events)).toEqual([
      "client alice 192.168.30.10:5000>192.168.20.200:22 CLOSED>SYN_SENT",
      "client alice 192.168.30.10:5000>192.168.20.200:22 SYN_SENT>ESTABLISHED",
      "client alice 192.168.30.10:5001>192.168.20.200:23 CLOSED>SYN_SENT",
      "client alice 192.168.30.10:5001>192.168.20.200:23 SYN_SENT>CLOSED",
    ]);
    // The refused one carries connect(2)'s error; the one that opened carries none.
    const errors = events.map((e) => (e.kind === "socket" && "error" in e ? e.error : "-"));
    expect(errors).toEqual(["-", "-", "-", "ECONNREFUSED"]);
  });

  it("charges a relay's unmarked onward connection to the caller, once, within a second", () => {
    const { f, events } = flows();
    f.seen(0, seg("192.168.30.10", 5000, "192.168.10.200", 22, 0x02), "checker");
    // The onward SYN's second hop (another link's tcpdump) may be the first we see of it.
    expect(f.seen(5 * MS, seg("192.168.10.100", 6000, "192.168.20.200", 22, 0x02), "root")).toBe("checker");
    expect(f.seen(4 * MS, seg("192.168.10.100", 6000, "192.168.20.200", 22, 0x02), "root")).toBe("checker");
    // A second one is root's: the arrival was used.
    expect(f.seen(9 * MS, seg("192.168.10.100", 6001, "192.168.20.200", 22, 0x02), "root")).toBe("root");
    // Too late after an arrival: root's.
    f.seen(SECOND, seg("192.168.30.10", 5002, "192.168.10.200", 22, 0x02), "checker");
    expect(f.seen(2.5 * SECOND, seg("192.168.10.100", 6002, "192.168.20.200", 22, 0x02), "root")).toBe(
      "root",
    );
    expect(states(events).filter((s) => s.startsWith("relay"))).toEqual([
      "relay checker 192.168.10.100:6000>192.168.20.200:22 CLOSED>SYN_SENT",
      "relay root 192.168.10.100:6001>192.168.20.200:22 CLOSED>SYN_SENT",
      "relay root 192.168.10.100:6002>192.168.20.200:22 CLOSED>SYN_SENT",
    ]);
  });

  it("reads TCP from an IPv4 packet (not from a later fragment)", () => {
    const p = new Uint8Array(40);
    p[0] = 0x45;
    p[9] = 6;
    p.set([192, 168, 30, 10, 192, 168, 20, 200], 12);
    p.set([0x13, 0x88, 0, 22], 20);
    p[33] = 0x02;
    expect(tcpSegment(p)).toEqual({
      src: ip("192.168.30.10"),
      dst: ip("192.168.20.200"),
      sport: 5000,
      dport: 22,
      flags: 2,
    });
    p[7] = 1;
    expect(tcpSegment(p)).toBeUndefined();
    p[7] = 0;
    p[9] = 17;
    expect(tcpSegment(p)).toBeUndefined();
  });
});
