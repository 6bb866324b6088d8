/**
 * System test: routelab's packet codecs and pcap writer, checked by an independent decoder.
 * Builds one capture holding every kind of packet the wire layer writes (ICMP echo request and
 * reply, time exceeded and port unreachable quoting a traceroute probe, the probe itself, a RIPv2
 * response and a whole-table request), lets tshark dissect it with IPv4 and UDP checksum checking
 * on, and asserts the decoded fields and that every checksum, outer and quoted, is Good.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  buildIcmpPacket,
  buildUdpPacket,
  emitRip,
  ICMP_DEST_UNREACH,
  ICMP_ECHO_REPLY,
  ICMP_ECHO_REQUEST,
  ICMP_TIME_EXCEEDED,
  parsePcap,
  pcapFileHeader,
  pcapRecord,
  quoteOriginal,
  RIP_GROUP,
  RIP_PORT,
  type RipEntry,
  UNREACH_PORT,
  wholeTableRequest,
} from "../../src/wire/index.js";
import {
  CHECKSUM_BAD,
  CHECKSUM_GOOD,
  CHECKSUM_UNVERIFIED,
  EXPERT_ERROR,
  EXPERT_WARN,
  requireTshark,
  tsharkFields,
} from "./tshark.js";

const VM1 = 0x0a000c01; // 10.0.12.1
const VM2 = 0x0a000c02; // 10.0.12.2
const VM6 = 0x0a003c02; // 10.0.60.2
const ip = (src: number, dst: number, ttl = 64, tos = 0) => ({
  tos,
  id: 0x1000 + ttl,
  dontFrag: false,
  ttl,
  src,
  dst,
});

function echoData(): Uint8Array {
  const d = new Uint8Array(56);
  for (let i = 8; i < 56; i++) d[i] = i; // ping's pattern after the timestamp
  return d;
}

function capturePackets(): Uint8Array[] {
  const probe = buildUdpPacket(ip(VM1, VM6, 1), {
    srcPort: 41234,
    dstPort: 33435,
    payload: new Uint8Array(12),
  });
  const routes: RipEntry[] = [
    { afi: 2, tag: 0, addr: 0x0a001e00, mask: 0xffffff00, nextHop: 0, metric: 1 },
    { afi: 2, tag: 0, addr: 0x0a003c00, mask: 0xffffff00, nextHop: 0, metric: 2 },
    { afi: 2, tag: 7, addr: 0x0a006300, mask: 0xffffff00, nextHop: 0, metric: 16 },
  ];
  return [
    buildIcmpPacket(ip(VM1, VM6), {
      type: ICMP_ECHO_REQUEST,
      code: 0,
      ident: 0x1234,
      seq: 0,
      data: echoData(),
    }),
    buildIcmpPacket(ip(VM6, VM1, 63), {
      type: ICMP_ECHO_REPLY,
      code: 0,
      ident: 0x1234,
      seq: 0,
      data: echoData(),
    }),
    probe,
    buildIcmpPacket(ip(VM2, VM1), {
      type: ICMP_TIME_EXCEEDED,
      code: 0,
      ident: 0,
      seq: 0,
      data: quoteOriginal(probe),
    }),
    buildIcmpPacket(ip(VM6, VM1), {
      type: ICMP_DEST_UNREACH,
      code: UNREACH_PORT,
      ident: 0,
      seq: 0,
      data: quoteOriginal(probe),
    }),
    buildUdpPacket(ip(VM2, RIP_GROUP, 1, 0xc0), {
      srcPort: RIP_PORT,
      dstPort: RIP_PORT,
      payload: emitRip({ command: 2, version: 2, entries: routes }),
    }),
    buildUdpPacket(ip(VM1, RIP_GROUP, 1, 0xc0), {
      srcPort: RIP_PORT,
      dstPort: RIP_PORT,
      payload: emitRip(wholeTableRequest()),
    }),
  ];
}

const FIELDS = [
  "frame.time_epoch",
  "ip.src",
  "ip.dst",
  "ip.ttl",
  "ip.checksum.status",
  "icmp.type",
  "icmp.code",
  "icmp.ident",
  "icmp.seq",
  "icmp.checksum.status",
  "udp.srcport",
  "udp.dstport",
  "udp.checksum",
  "udp.checksum.status",
  "rip.command",
  "rip.version",
  "rip.family",
  "rip.route_tag",
  "rip.ip",
  "rip.netmask",
  "rip.metric",
  "_ws.expert.severity",
  "_ws.expert.message",
];

const run = requireTshark();
const dir = mkdtempSync(join(tmpdir(), "routelab-tshark-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!run)("tshark decodes routelab's own packets", () => {
  const file = join(dir, "all.pcap");
  const packets = capturePackets();
  const chunks = [
    pcapFileHeader(),
    ...packets.map((p, i) => pcapRecord(1_000_000_000 * (i + 1) + 123_456_789, p)),
  ];
  writeFileSync(file, Buffer.concat(chunks));
  const rows = tsharkFields(file, FIELDS);

  it("reads every record with the nanosecond timestamps written", () => {
    expect(rows.length).toBe(packets.length);
    expect(rows.map((r) => r["frame.time_epoch"])).toEqual(packets.map((_, i) => `${i + 1}.123456789`));
    // and our own reader agrees
    const back = parsePcap(new Uint8Array(Buffer.concat(chunks)));
    expect("records" in back && back.records.map((r) => r.packet.length)).toEqual(
      packets.map((p) => p.length),
    );
  });

  it("every IPv4, ICMP and UDP checksum is Good, quoted IP headers included", () => {
    rows.forEach((r, i) => {
      const quoting = r["icmp.type"] === "11" || r["icmp.type"] === "3";
      const statuses = [r["ip.checksum.status"], r["icmp.checksum.status"], r["udp.checksum.status"]]
        .flatMap((s) => (s ?? "").split(","))
        .filter((s) => s !== "");
      expect(statuses.length, `packet ${i}`).toBeGreaterThan(0);
      // A quoted UDP header comes without its payload, so tshark cannot verify it ("Unverified");
      // its checksum must then equal the probe's, which tshark verified as Good below.
      const udpQuoted = quoting ? 1 : 0;
      const good = statuses.filter((s) => s === CHECKSUM_GOOD).length;
      expect(good, `packet ${i}: ${statuses}`).toBe(statuses.length - udpQuoted);
      if (quoting) expect(r["udp.checksum.status"]).toBe(CHECKSUM_UNVERIFIED);
      // No expert info at warning level or above (a bad checksum is an error-level item).
      for (const sev of (r["_ws.expert.severity"] ?? "").split(",").filter((x) => x !== "")) {
        expect(Number(sev), `packet ${i}: ${r["_ws.expert.message"]}`).toBeLessThan(EXPERT_WARN);
      }
    });
    expect(rows[2]!["udp.checksum.status"]).toBe(CHECKSUM_GOOD);
    expect(rows[3]!["udp.checksum"]).toBe(rows[2]!["udp.checksum"]);
    expect(rows[4]!["udp.checksum"]).toBe(rows[2]!["udp.checksum"]);
  });

  it("a corrupted capture is caught (the checks above can fail)", () => {
    const bad = Buffer.concat(chunks);
    bad[24 + 16 + 10] = (bad[24 + 16 + 10]! ^ 0xff) & 0xff; // first packet's IP checksum
    const badFile = join(dir, "bad.pcap");
    writeFileSync(badFile, bad);
    const r = tsharkFields(badFile, FIELDS)[0]!;
    expect(r["ip.checksum.status"]).toBe(CHECKSUM_BAD);
    expect(r["_ws.expert.severity"]!.split(",").map(Number)).toContain(EXPERT_ERROR);
  });

  it("echo request and reply", () => {
    expect(rows[0]).toMatchObject({
      "ip.src": "10.0.12.1",
      "ip.dst": "10.0.60.2",
      "icmp.type": "8",
      "icmp.code": "0",
      "icmp.ident": "4660",
      "icmp.seq": "0",
    });
    expect(rows[1]).toMatchObject({
      "ip.src": "10.0.60.2",
      "ip.dst": "10.0.12.1",
      "icmp.type": "0",
      "ip.ttl": "63",
    });
  });

  it("traceroute probe", () => {
    expect(rows[2]).toMatchObject({
      "ip.ttl": "1",
      "udp.srcport": "41234",
      "udp.dstport": "33435",
      "icmp.type": "",
    });
  });

  it("time exceeded and port unreachable quote the probe's header and UDP ports", () => {
    expect(rows[3]).toMatchObject({
      "ip.src": "10.0.12.2,10.0.12.1",
      "ip.dst": "10.0.12.1,10.0.60.2",
      "ip.ttl": "64,1",
      "icmp.type": "11",
      "icmp.code": "0",
      "udp.srcport": "41234",
      "udp.dstport": "33435",
    });
    expect(rows[4]).toMatchObject({
      "ip.src": "10.0.60.2,10.0.12.1",
      "icmp.type": "3",
      "icmp.code": "3",
      "udp.dstport": "33435",
    });
  });

  it("RIPv2 response with three routes and a whole-table request", () => {
    expect(rows[5]).toMatchObject({
      "ip.dst": "224.0.0.9",
      "udp.srcport": "520",
      "udp.dstport": "520",
      "rip.command": "2",
      "rip.version": "2",
      "rip.family": "2,2,2",
      "rip.route_tag": "0,0,7",
      "rip.ip": "10.0.30.0,10.0.60.0,10.0.99.0",
      "rip.netmask": "255.255.255.0,255.255.255.0,255.255.255.0",
      "rip.metric": "1,2,16",
    });
    expect(rows[6]).toMatchObject({
      "rip.command": "1",
      "rip.version": "2",
      "rip.family": "0",
      "rip.metric": "16",
    });
  });
});
