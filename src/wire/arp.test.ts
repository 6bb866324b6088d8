import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatIpv4 } from "../core/ip.js";
import { formatMac, MAC_ZERO } from "../core/mac.js";
import {
  ARP_LEN,
  ARPOP_REPLY,
  ARPOP_REQUEST,
  type ArpRepr,
  arpOp,
  arpSenderIp,
  arpTargetIp,
  emitArp,
  parseArp,
} from "./arp.js";
import { WireError } from "./error.js";
import { ETHERNET_HEADER_LEN } from "./ethernet.js";

/*
 * Reference bytes from the Linux kernel (see ethernet.test.ts for the set-up: a veth pair in
 * two namespaces, 02:00:00:00:01:01 = 10.0.10.1 and 02:00:00:00:02:01 = 10.0.10.2, `tcpdump -w`
 * on the first): the ARP request 10.0.10.1 broadcast before `ping 10.0.10.2`, and the reply.
 * The Ethernet header (14 bytes) is left off.
 */
const REQUEST = Uint8Array.from([
  0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x01, 0x01, 0x0a, 0x00, 0x0a, 0x01,
  0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x0a, 0x02,
]);
const REPLY = Uint8Array.from([
  0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x02, 0x01, 0x0a, 0x00, 0x0a, 0x02,
  0x02, 0x00, 0x00, 0x00, 0x01, 0x01, 0x0a, 0x00, 0x0a, 0x01,
]);
const mac = (s: string) => Uint8Array.from(s.split(":").map((x) => Number.parseInt(x, 16)));
const ip = (a: number, b: number, c: number, d: number) => ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;

const REQUEST_REPR: ArpRepr = {
  op: ARPOP_REQUEST,
  senderMac: mac("02:00:00:00:01:01"),
  senderIp: ip(10, 0, 10, 1),
  targetMac: new Uint8Array(MAC_ZERO),
  targetIp: ip(10, 0, 10, 2),
};
const REPLY_REPR: ArpRepr = {
  op: ARPOP_REPLY,
  senderMac: mac("02:00:00:00:02:01"),
  senderIp: ip(10, 0, 10, 2),
  targetMac: mac("02:00:00:00:01:01"),
  targetIp: ip(10, 0, 10, 1),
};

describe("ARP for IPv4 over Ethernet", () => {
  it("deconstructs the kernel's request and reply", () => {
    expect(arpOp(REQUEST)).toBe(ARPOP_REQUEST);
    expect(formatIpv4(arpSenderIp(REQUEST))).toBe("10.0.10.1");
    expect(formatIpv4(arpTargetIp(REQUEST))).toBe("10.0.10.2");
    expect(arpOp(REPLY)).toBe(ARPOP_REPLY);
    expect(formatMac(REPLY, 8)).toBe("02:00:00:00:02:01");
  });

  it("parses them", () => {
    expect(parseArp(REQUEST)).toEqual(REQUEST_REPR);
    expect(parseArp(REPLY)).toEqual(REPLY_REPR);
    // At an offset, inside a frame, with padding after it (a receiver sees 60-byte frames).
    const frame = new Uint8Array(60);
    frame.set(REPLY, ETHERNET_HEADER_LEN);
    expect(parseArp(frame, ETHERNET_HEADER_LEN)).toEqual(REPLY_REPR);
  });

  it("constructs and emits the same bytes", () => {
    const b = new Uint8Array(ARP_LEN);
    emitArp(REQUEST_REPR, b);
    expect(b).toEqual(REQUEST);
    emitArp(REPLY_REPR, b);
    expect(b).toEqual(REPLY);
  });

  it("refuses short packets and other hardware, protocols and lengths", () => {
    expect(parseArp(REQUEST.subarray(0, 27))).toBeInstanceOf(WireError);
    for (const [at, v] of [
      [1, 6], // hardware type 6 (IEEE 802)
      [2, 0x86], // protocol 0x86dd
      [4, 8], // hardware length 8
      [5, 16], // protocol length 16
    ] as const) {
      const b = REQUEST.slice();
      b[at] = v;
      expect(parseArp(b)).toBeInstanceOf(WireError);
    }
  });

  it("parse ∘ emit is the identity (property)", () => {
    const macArb = fc.uint8Array({ minLength: 6, maxLength: 6 });
    const repr = fc.record({
      op: fc.integer({ min: 0, max: 0xffff }),
      senderMac: macArb,
      senderIp: fc.integer({ min: 0, max: 0xffffffff }),
      targetMac: macArb,
      targetIp: fc.integer({ min: 0, max: 0xffffffff }),
    });
    fc.assert(
      fc.property(repr, fc.integer({ min: 0, max: 20 }), (r, off) => {
        const b = new Uint8Array(off + ARP_LEN);
        emitArp(r, b, off);
        expect(parseArp(b, off)).toEqual(r);
      }),
    );
    // And emit ∘ parse: whatever parses re-emits to the same 28 bytes.
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 40 }), (raw) => {
        const b = raw.slice();
        if (b.length >= 6) {
          b.set([0, 1, 8, 0, 6, 4]);
        }
        const r = parseArp(b);
        if (r instanceof WireError) return b.length < ARP_LEN;
        const again = new Uint8Array(ARP_LEN);
        emitArp(r, again);
        return again.every((x, i) => x === b[i]);
      }),
    );
  });
});
