/**
 * routelab's OSPFv2 bytes read by tshark, an independent dissector (Wireshark's packet-ospf.c):
 * one packet of each type, built with emitOspf and wrapped in IPv4, decode with the fields we
 * wrote, an OSPF checksum tshark calls "[correct]" (it checks it but raises no expert item, so
 * the verbose text is read), and no malformed-packet or expert warning/error.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseIpv4 as parseAddr } from "../../src/core/ip.js";
import { emitIpv4, IPPROTO_OSPF, IPV4_HEADER_LEN } from "../../src/wire/ipv4.js";
import { emitOspf, OSPF_ALL_SPF_ROUTERS, type OspfBody } from "../../src/wire/ospf.js";
import type { LsaHeader } from "../../src/wire/ospf-lsa.js";
import { LINKTYPE_RAW, pcapFileHeader, pcapRecord } from "../../src/wire/pcap.js";
import { EXPERT_WARN, requireTshark, tsharkFields } from "./tshark.js";

const ip = (s: string) => parseAddr(s) as number;
const R1 = ip("1.1.1.1");
const R2 = ip("2.2.2.2");
const lsaHeader: LsaHeader = {
  age: 1,
  options: 2,
  type: 1,
  id: R1,
  advRouter: R1,
  seq: -0x7fffffff,
  checksum: 0x1234,
  length: 36,
};

const BODIES: OspfBody[] = [
  {
    type: "hello",
    mask: ip("255.255.255.0"),
    helloInterval: 1,
    options: 2,
    priority: 1,
    deadInterval: 4,
    dr: ip("10.98.0.2"),
    bdr: ip("10.98.0.1"),
    neighbors: [R2],
  },
  { type: "dd", mtu: 1500, options: 2, flags: 7, seq: 0x5f5e100, lsaHeaders: [] },
  { type: "dd", mtu: 1500, options: 2, flags: 0, seq: 0x5f5e101, lsaHeaders: [lsaHeader] },
  { type: "ls-request", requests: [{ type: 1, id: R2, advRouter: R2 }] },
  {
    type: "ls-update",
    lsas: [
      {
        header: lsaHeader,
        body: {
          kind: "router",
          flags: 0,
          links: [
            { id: ip("10.98.0.2"), data: ip("10.98.0.1"), type: 2, metric: 10, tos: [] },
            { id: ip("192.0.2.1"), data: 0xffffffff, type: 3, metric: 0, tos: [] },
          ],
        },
      },
      {
        header: { ...lsaHeader, type: 2, id: ip("10.98.0.2"), advRouter: R2 },
        body: { kind: "network", mask: ip("255.255.255.0"), routers: [R2, R1] },
      },
    ],
  },
  { type: "ls-ack", lsaHeaders: [lsaHeader, { ...lsaHeader, type: 2 }] },
];

const dir = mkdtempSync(join(tmpdir(), "routelab-ospf-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function ospfPcap(): string {
  const records = BODIES.map((body, i) => {
    const ospf = emitOspf({ routerId: R1, areaId: 0, body });
    const b = new Uint8Array(IPV4_HEADER_LEN + ospf.length);
    const hdr = { tos: 0xc0, id: i + 1, dontFrag: false, ttl: 1, src: ip("10.98.0.1") };
    emitIpv4({ ...hdr, dst: OSPF_ALL_SPF_ROUTERS, protocol: IPPROTO_OSPF, payloadLen: ospf.length }, b);
    b.set(ospf, IPV4_HEADER_LEN);
    return pcapRecord(i * 1e9, b);
  });
  const file = join(dir, "ospf.pcap");
  writeFileSync(file, Buffer.concat([pcapFileHeader(LINKTYPE_RAW), ...records]));
  return file;
}

describe.runIf(requireTshark())("routelab's OSPFv2 read by tshark", () => {
  it("every packet type decodes with our fields, a correct checksum, and nothing malformed", () => {
    const file = ospfPcap();
    const rows = tsharkFields(file, [
      "ospf.msg",
      "ospf.srcrouter",
      "ospf.hello.hello_interval",
      "ospf.hello.router_dead_interval",
      "ospf.lsa",
      "ospf.lsa.router.linktype",
      "ospf.ls.number_of_lsas",
      "_ws.malformed",
      "_ws.expert.severity",
    ]);
    expect(rows.map((r) => r["ospf.msg"])).toEqual(["1", "2", "2", "3", "4", "5"]);
    for (const r of rows) {
      expect(r["ospf.srcrouter"]).toBe("1.1.1.1");
      expect(r["_ws.malformed"]).toBe("");
      for (const s of r["_ws.expert.severity"]!.split(",").filter((x) => x !== ""))
        expect(Number(s)).toBeLessThan(EXPERT_WARN);
    }
    expect(rows[0]!["ospf.hello.hello_interval"]).toBe("1");
    expect(rows[0]!["ospf.hello.router_dead_interval"]).toBe("4");
    expect(rows[4]!["ospf.ls.number_of_lsas"]).toBe("2");
    expect(rows[4]!["ospf.lsa"]).toBe("1,2");
    expect(rows[4]!["ospf.lsa.router.linktype"]).toBe("2,3");
    expect(rows[5]!["ospf.lsa"]).toBe("1,2");
    // The OSPF checksum: tshark prints its verdict in the tree only.
    const verbose = execFileSync("tshark", ["-r", file, "-n", "-V"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    const verdicts = verbose.split("\n").filter((l) => /^\s+Checksum: 0x[0-9a-f]{4} \[/.test(l));
    expect(verdicts.length).toBe(BODIES.length);
    for (const v of verdicts) expect(v).toMatch(/\[correct\]$/);
  });
});
