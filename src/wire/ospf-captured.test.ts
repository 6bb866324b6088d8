/**
 * Real OSPFv2 packets from FRR ospfd (test/fixtures/ospf/frr-ospf.pcap, made by
 * test/fixtures/ospf/capture-frr.sh: routers 1.1.1.1 and 2.2.2.2 on 10.98.0.0/24, hello 1 s,
 * dead 4 s, from the first Hello to Full; tcpdump -v calls every checksum correct). Every packet
 * parses, re-emitting it gives the same bytes (so our Internet and Fletcher checksums are
 * ospfd's), and the fields are the ones the configuration asked for.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseIpv4 as parseAddr } from "../core/ip.js";
import { ETHERNET_HEADER_LEN } from "./ethernet.js";
import { IPPROTO_OSPF, ipv4Dst, ipv4Protocol } from "./ipv4.js";
import { emitOspf, OSPF_ALL_SPF_ROUTERS, type OspfRepr, parseOspf } from "./ospf.js";
import {
  fletcherChecksum,
  LINK_STUB,
  LINK_TRANSIT,
  LSA_NETWORK,
  LSA_ROUTER,
  lsaChecksumOk,
} from "./ospf-lsa.js";
import { parsePcap } from "./pcap.js";
import { classify, summarize } from "./summary.js";

const pcap = parsePcap(
  new Uint8Array(readFileSync(new URL("../../test/fixtures/ospf/frr-ospf.pcap", import.meta.url))),
);
if (!("records" in pcap)) throw new Error(`fixture: ${pcap.reason}`);
/** The IPv4 datagrams of the capture (Ethernet link type). */
const datagrams = pcap.records.map((r) => r.packet.subarray(ETHERNET_HEADER_LEN));
const ip = (s: string) => parseAddr(s) as number;

function ospfOf(d: Uint8Array): { bytes: Uint8Array; repr: OspfRepr } {
  const hl = (d[0]! & 0x0f) * 4;
  const bytes = d.subarray(hl);
  const repr = parseOspf(bytes);
  if (!("body" in repr)) throw new Error(`captured packet refused: ${repr.reason}`);
  return { bytes, repr };
}

describe("OSPFv2 packets captured from FRR ospfd", () => {
  it("the capture holds every packet type", () => {
    expect(datagrams.length).toBeGreaterThan(40);
    const types = new Set(datagrams.map((d) => ospfOf(d).repr.body.type));
    expect([...types].sort()).toEqual(["dd", "hello", "ls-ack", "ls-request", "ls-update"]);
  });

  it("every packet parses and re-emits to the same bytes, checksums included", () => {
    for (const d of datagrams) {
      expect(ipv4Protocol(d)).toBe(IPPROTO_OSPF);
      const { bytes, repr } = ospfOf(d);
      expect(Array.from(emitOspf(repr))).toEqual(Array.from(bytes));
    }
  });

  it("Hellos carry the router ids, area 0, hello 1 and dead 4, and go to AllSPFRouters", () => {
    const hellos = datagrams.filter((d) => ospfOf(d).repr.body.type === "hello");
    const ids = new Set<number>();
    for (const d of hellos) {
      const { repr } = ospfOf(d);
      const h = repr.body;
      if (h.type !== "hello") continue;
      ids.add(repr.routerId);
      expect(ipv4Dst(d)).toBe(OSPF_ALL_SPF_ROUTERS);
      expect(repr.areaId).toBe(0);
      expect(h.helloInterval).toBe(1);
      expect(h.deadInterval).toBe(4);
      expect(h.mask).toBe(ip("255.255.255.0"));
      expect(h.priority).toBe(1);
    }
    expect([...ids].sort()).toEqual([ip("1.1.1.1"), ip("2.2.2.2")]);
    // Once two-way, each lists the other as its neighbour and both agree on the DR (2.2.2.2, the higher id).
    const last = ospfOf(hellos[hellos.length - 1]!).repr;
    if (last.body.type !== "hello") throw new Error("not a hello");
    expect(last.body.neighbors).toEqual([last.routerId === ip("1.1.1.1") ? ip("2.2.2.2") : ip("1.1.1.1")]);
    expect(last.body.dr).toBe(ip("10.98.0.2"));
  });

  it("the first Database Description packets are Init|More|Master with no LSA headers", () => {
    const dds = datagrams.map((d) => ospfOf(d).repr.body).filter((b) => b.type === "dd");
    const first = dds[0]!;
    if (first.type !== "dd") throw new Error("not a DD");
    expect(first.flags).toBe(0x07);
    expect(first.lsaHeaders).toEqual([]);
    expect(first.mtu).toBe(1500);
    expect(dds.some((b) => b.type === "dd" && b.lsaHeaders.length > 0)).toBe(true);
  });

  it("LS Updates carry Router-LSAs (stub and transit links) and a Network-LSA with valid Fletcher checksums", () => {
    const lsTypes = new Set<number>();
    const linkTypes = new Set<number>();
    for (const d of datagrams) {
      const { bytes, repr } = ospfOf(d);
      if (repr.body.type !== "ls-update") continue;
      let p = 28;
      for (const l of repr.body.lsas) {
        lsTypes.add(l.header.type);
        expect(lsaChecksumOk(bytes, p)).toBe(true);
        // The checksum field holds exactly what RFC 905's algorithm computes over the LSA minus its age.
        expect(fletcherChecksum(bytes, p + 2, l.header.length - 2, 14)).toBe(l.header.checksum);
        if (l.body.kind === "router") for (const k of l.body.links) linkTypes.add(k.type);
        if (l.body.kind === "network") {
          expect(l.header.id).toBe(ip("10.98.0.2"));
          expect(l.body.mask).toBe(ip("255.255.255.0"));
          expect([...l.body.routers].sort()).toEqual([ip("1.1.1.1"), ip("2.2.2.2")]);
        }
        p += l.header.length;
      }
    }
    expect(lsTypes).toEqual(new Set([LSA_ROUTER, LSA_NETWORK]));
    expect(linkTypes).toEqual(new Set([LINK_STUB, LINK_TRANSIT]));
  });

  it("a flipped LSA byte breaks its Fletcher checksum, a flipped age byte does not", () => {
    const d = datagrams.find((x) => ospfOf(x).repr.body.type === "ls-update")!;
    const { bytes } = ospfOf(d);
    const c = bytes.slice();
    expect(lsaChecksumOk(c, 28)).toBe(true);
    c[28 + 1] ^= 0x10; // LS age: not covered (RFC 2328 §12.1.7)
    expect(lsaChecksumOk(c, 28)).toBe(true);
    c[28 + 9] ^= 0x01; // advertising router
    expect(lsaChecksumOk(c, 28)).toBe(false);
  });

  it("summaries read like tcpdump's", () => {
    const lines = new Set(datagrams.map((d) => summarize(d)));
    expect(lines).toContain("OSPFv2, Hello, length 48");
    expect(lines).toContain("OSPFv2, Database Description, length 32");
    expect(lines).toContain("OSPFv2, LS-Request, length 36");
    expect(lines).toContain("OSPFv2, LS-Update, length 76");
    expect(lines).toContain("OSPFv2, LS-Ack, length 44");
    for (const d of datagrams) expect(classify(d)).toBe("ospf");
  });
});
