import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatMac } from "../core/mac.js";
import { WireError } from "./error.js";
import {
  ETHERNET_HEADER_LEN,
  ETHERTYPE_ARP,
  ETHERTYPE_IPV4,
  type EthernetRepr,
  emitEthernet,
  ethernetPadded,
  ethernetSetDst,
  ethernetType,
  parseEthernet,
} from "./ethernet.js";

/**
 * Reference bytes from the Linux kernel: two network namespaces joined by a veth pair (MACs
 * 02:00:00:00:01:01 and 02:00:00:00:02:01, 10.0.10.1/24 and 10.0.10.2/24), `ping -c 1
 * 10.0.10.2`, `tcpdump -w` on the first veth. This is the ARP request it broadcast and the first
 * 14 bytes of the echo request that followed.
 */
const ARP_REQUEST_FRAME = Uint8Array.from([
  0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0x00, 0x00, 0x00, 0x01, 0x01, 0x08, 0x06, 0x00, 0x01, 0x08, 0x00,
  0x06, 0x04, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x01, 0x01, 0x0a, 0x00, 0x0a, 0x01, 0x00, 0x00, 0x00, 0x00,
  0x00, 0x00, 0x0a, 0x00, 0x0a, 0x02,
]);
const IPV4_FRAME_HEADER = Uint8Array.from([
  0x02, 0x00, 0x00, 0x00, 0x02, 0x01, 0x02, 0x00, 0x00, 0x00, 0x01, 0x01, 0x08, 0x00,
]);
const mac = (s: string) => Uint8Array.from(s.split(":").map((x) => Number.parseInt(x, 16)));

describe("Ethernet II", () => {
  it("deconstructs the kernel's frames", () => {
    expect(ethernetType(ARP_REQUEST_FRAME)).toBe(ETHERTYPE_ARP);
    expect(ethernetType(IPV4_FRAME_HEADER)).toBe(ETHERTYPE_IPV4);
    expect(formatMac(ARP_REQUEST_FRAME, 0)).toBe("ff:ff:ff:ff:ff:ff");
    expect(formatMac(ARP_REQUEST_FRAME, 6)).toBe("02:00:00:00:01:01");
  });

  it("parses them", () => {
    const r = parseEthernet(IPV4_FRAME_HEADER) as EthernetRepr;
    expect(formatMac(r.dst)).toBe("02:00:00:00:02:01");
    expect(formatMac(r.src)).toBe("02:00:00:00:01:01");
    expect(r.ethertype).toBe(ETHERTYPE_IPV4);
  });

  it("constructs and emits the same bytes", () => {
    const b = new Uint8Array(ETHERNET_HEADER_LEN);
    emitEthernet({ dst: mac("02:00:00:00:02:01"), src: mac("02:00:00:00:01:01"), ethertype: 0x0800 }, b);
    expect(b).toEqual(IPV4_FRAME_HEADER);
    const c = new Uint8Array(ETHERNET_HEADER_LEN);
    emitEthernet(
      { dst: mac("ff:ff:ff:ff:ff:ff"), src: mac("02:00:00:00:01:01"), ethertype: ETHERTYPE_ARP },
      c,
    );
    expect(c).toEqual(ARP_REQUEST_FRAME.subarray(0, ETHERNET_HEADER_LEN));
    ethernetSetDst(c, mac("02:00:00:00:02:01"));
    expect(formatMac(c, 0)).toBe("02:00:00:00:02:01");
  });

  it("refuses a frame shorter than its header, and pads to 60", () => {
    expect(parseEthernet(new Uint8Array(13))).toBeInstanceOf(WireError);
    expect(ethernetPadded(28)).toBe(60);
    expect(ethernetPadded(84)).toBe(98);
  });

  it("parse ∘ emit is the identity (property)", () => {
    const macArb = fc.uint8Array({ minLength: 6, maxLength: 6 });
    fc.assert(
      fc.property(macArb, macArb, fc.integer({ min: 0, max: 0xffff }), (dst, src, ethertype) => {
        const b = new Uint8Array(ETHERNET_HEADER_LEN);
        emitEthernet({ dst, src, ethertype }, b);
        expect(parseEthernet(b)).toEqual({ dst, src, ethertype });
      }),
    );
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 40 }), (b) => {
        const r = parseEthernet(b);
        if (r instanceof WireError) return b.length < ETHERNET_HEADER_LEN;
        const again = new Uint8Array(ETHERNET_HEADER_LEN);
        emitEthernet(r, again);
        return again.every((x, i) => x === b[i]);
      }),
    );
  });
});
