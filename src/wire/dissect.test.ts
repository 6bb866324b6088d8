/**
 * dissectFrame against lines tshark 4.0.17 printed for the same bytes (`tshark -r … -n -T pdml
 * -o ip.check_checksum:TRUE -o udp.check_checksum:TRUE -o tcp.check_checksum:TRUE`: field name,
 * position, size, showname), pasted below so this runs without tshark. The frames are the
 * simulator's (seed lab, vm1–vm2) and FRR's (test/fixtures/ospf/frr-ospf.pcap, frame 1).
 * test/system/dissect-tshark.test.ts compares every line of whole captures with tshark live.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatDissection, type PacketField } from "./dissect-fields.js";
import { dissectFrame } from "./dissect.js";

const hex = (s: string) => Uint8Array.from(Buffer.from(s, "hex"));

const ARP_REQUEST = hex(
  "ffffffffffff02e20600030a0806000108000604000102e20600030a0a000a010000000000000a000a02",
);
const RIP_RESPONSE = hex(
  "02e20600030a0293b200040b080045c000701ef50000011171c60a000a020a000a0102080208005c031102020000000200000a000a00ffffff000000000000000001000200000a001e00ffffff000000000000000001000200000a003c00ffffff000000000000000001000200000a004600ffffff000000000000000001",
);
const ICMP_ECHO = hex(
  "0293b200040b02e20600030a08004500005400110000400120960a000a010a003c020800782103e8000000000026000d90c008090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f3031323334353637",
);
/** r1 to h1 on examples/lan.yaml: a host redirect naming 10.0.1.2, quoting h1's echo request. */
const ICMP_REDIRECT = hex(
  "0280d000030a028fd000030a080045000038000a0000400164b70a0001010a00010405016bf30a000102450000545cce0000400106cd0a0001040a00020b0800697412950000",
);
const TCP_SYN = hex(
  "0293b200040b02e20600030a08004500002c00124000400612b80a000a010a000a02f15f00165d28eaa1000000006002ffff36e40000020405b4",
);
const OSPF_HELLO = hex(
  "01005e000005b676df605910080045c0004093bc000001593a810a620001e00000050201002c0101010100000000fac900000000000000000000ffffff0000010201000000040000000000000000",
);

function flat(fields: readonly PacketField[], out: PacketField[] = []): PacketField[] {
  for (const f of fields) {
    out.push(f);
    if (f.children) flat(f.children, out);
  }
  return out;
}

/** Lines as `name | showname | pos size`, the shape of tshark's PDML lines below. */
function lines(frame: Uint8Array): string[] {
  return flat(dissectFrame(frame)).map((f) => `${f.name} | ${f.text} | ${f.offset} ${f.length}`);
}

describe("dissectFrame reads as tshark does", () => {
  it("an ARP request", () => {
    expect(dissectFrame(ARP_REQUEST).map((l) => l.name)).toEqual(["eth", "arp"]);
    expect(lines(ARP_REQUEST)).toEqual(
      expect.arrayContaining([
        "eth | Ethernet II, Src: 02:e2:06:00:03:0a, Dst: ff:ff:ff:ff:ff:ff | 0 14",
        "eth.dst | Destination: ff:ff:ff:ff:ff:ff | 0 6",
        "eth.dst.ig | .... ...1 .... .... .... .... = IG bit: Group address (multicast/broadcast) | 0 3",
        "eth.src.lg | .... ..1. .... .... .... .... = LG bit: Locally administered address (this is NOT the factory default) | 6 3",
        "eth.type | Type: ARP (0x0806) | 12 2",
        "arp | Address Resolution Protocol (request) | 14 28",
        "arp.hw.type | Hardware type: Ethernet (1) | 14 2",
        "arp.proto.type | Protocol type: IPv4 (0x0800) | 16 2",
        "arp.opcode | Opcode: request (1) | 20 2",
        "arp.src.hw_mac | Sender MAC address: 02:e2:06:00:03:0a | 22 6",
        "arp.src.proto_ipv4 | Sender IP address: 10.0.10.1 | 28 4",
        "arp.dst.hw_mac | Target MAC address: 00:00:00:00:00:00 | 32 6",
        "arp.dst.proto_ipv4 | Target IP address: 10.0.10.2 | 38 4",
      ]),
    );
  });

  it("an ICMP redirect: the gateway address, then the datagram it quotes (tshark 4.0.17)", () => {
    expect(lines(ICMP_REDIRECT)).toEqual(
      expect.arrayContaining([
        "icmp | Internet Control Message Protocol | 34 36",
        "icmp.type | Type: 5 (Redirect) | 34 1",
        "icmp.code | Code: 1 (Redirect for host) | 35 1",
        "icmp.checksum | Checksum: 0x6bf3 [correct] | 36 2",
        "icmp.redir_gw | Gateway Address: 10.0.1.2 | 38 4",
        "ip.dst | Destination Address: 10.0.2.11 | 58 4",
        "icmp.type | Type: 8 (Echo (ping) request) | 62 1",
        "icmp.checksum | Checksum: 0x6974 [unverified] [in ICMP error packet] | 64 2",
      ]),
    );
  });

  it("an ICMP echo request", () => {
    expect(lines(ICMP_ECHO)).toEqual(
      expect.arrayContaining([
        "ip | Internet Protocol Version 4, Src: 10.0.10.1, Dst: 10.0.60.2 | 14 20",
        "ip.version | 0100 .... = Version: 4 | 14 1",
        "ip.hdr_len | .... 0101 = Header Length: 20 bytes (5) | 14 1",
        "ip.dsfield | Differentiated Services Field: 0x00 (DSCP: CS0, ECN: Not-ECT) | 15 1",
        "ip.len | Total Length: 84 | 16 2",
        "ip.id | Identification: 0x0011 (17) | 18 2",
        "ip.flags | 000. .... = Flags: 0x0 | 20 1",
        "ip.frag_offset | ...0 0000 0000 0000 = Fragment Offset: 0 | 20 2",
        "ip.ttl | Time to Live: 64 | 22 1",
        "ip.proto | Protocol: ICMP (1) | 23 1",
        "ip.checksum | Header Checksum: 0x2096 [correct] | 24 2",
        "ip.src | Source Address: 10.0.10.1 | 26 4",
        "icmp | Internet Control Message Protocol | 34 64",
        "icmp.type | Type: 8 (Echo (ping) request) | 34 1",
        "icmp.code | Code: 0 | 35 1",
        "icmp.checksum | Checksum: 0x7821 [correct] | 36 2",
        "icmp.checksum.status | Checksum Status: Good | 36 0",
        "icmp.ident | Identifier (BE): 1000 (0x03e8) | 38 2",
        "icmp.ident_le | Identifier (LE): 59395 (0xe803) | 38 2",
        "icmp.seq | Sequence Number (BE): 0 (0x0000) | 40 2",
      ]),
    );
  });

  it("a RIP response", () => {
    expect(lines(RIP_RESPONSE)).toEqual(
      expect.arrayContaining([
        "ip.dsfield | Differentiated Services Field: 0xc0 (DSCP: CS6, ECN: Not-ECT) | 15 1",
        "ip.dsfield.dscp | 1100 00.. = Differentiated Services Codepoint: Class Selector 6 (48) | 15 1",
        "udp | User Datagram Protocol, Src Port: 520, Dst Port: 520 | 34 8",
        "udp.length | Length: 92 | 38 2",
        "udp.checksum | Checksum: 0x0311 [correct] | 40 2",
        "udp.checksum_calculated | Calculated Checksum: 0x0311 | 40 2",
        "udp.payload | UDP payload (84 bytes) | 42 84",
        "rip | Routing Information Protocol | 42 84",
        "rip.command | Command: Response (2) | 42 1",
        "rip.version | Version: RIPv2 (2) | 43 1",
        " | IP Address: 10.0.30.0, Metric: 1 | 66 20",
        "rip.family | Address Family: IP (2) | 66 2",
        "rip.ip | IP Address: 10.0.30.0 | 70 4",
        "rip.netmask | Netmask: 255.255.255.0 | 74 4",
        "rip.next_hop | Next Hop: 0.0.0.0 | 78 4",
        "rip.metric | Metric: 1 | 82 4",
      ]),
    );
  });

  it("a TCP SYN", () => {
    expect(lines(TCP_SYN)).toEqual(
      expect.arrayContaining([
        "ip.flags | 010. .... = Flags: 0x2, Don't fragment | 20 1",
        "ip.flags.df | .1.. .... = Don't fragment: Set | 20 1",
        "tcp.srcport | Source Port: 61791 | 34 2",
        "tcp.seq_raw | Sequence Number (raw): 1562962593 | 38 4",
        "tcp.hdr_len | 0110 .... = Header Length: 24 bytes (6) | 46 1",
        "tcp.flags | Flags: 0x002 (SYN) | 46 2",
        "tcp.flags.res | 000. .... .... = Reserved: Not set | 46 1",
        "tcp.flags.syn | .... .... ..1. = Syn: Set | 47 1",
        "tcp.flags.str | TCP Flags: ··········S· | 46 2",
        "tcp.window_size_value | Window: 65535 | 48 2",
        "tcp.checksum | Checksum: 0x36e4 [correct] | 50 2",
        "tcp.options | Options: (4 bytes), Maximum segment size | 54 4",
        "tcp.options.mss | TCP Option - Maximum segment size: 1460 bytes | 54 4",
        "tcp.options.mss_val | MSS Value: 1460 | 56 2",
      ]),
    );
  });

  it("an OSPF Hello from FRR", () => {
    expect(lines(OSPF_HELLO)).toEqual(
      expect.arrayContaining([
        "ip.proto | Protocol: OSPF IGP (89) | 23 1",
        "ospf | Open Shortest Path First | 34 44",
        "ospf.msg | Message Type: Hello Packet (1) | 35 1",
        "ospf.srcrouter | Source OSPF Router: 1.1.1.1 | 38 4",
        "ospf.area_id | Area ID: 0.0.0.0 (Backbone) | 42 4",
        "ospf.checksum | Checksum: 0xfac9 [correct] | 46 2",
        "ospf.auth.none | Auth Data (none): 0000000000000000 | 50 8",
        "ospf.hello.network_mask | Network Mask: 255.255.255.0 | 58 4",
        "ospf.v2.options | Options: 0x02, (E) External Routing | 64 1",
        "ospf.v2.options.e | .... ..1. = (E) External Routing: Capable | 64 1",
        "ospf.hello.router_dead_interval | Router Dead Interval [sec]: 4 | 66 4",
      ]),
    );
  });

  it("a damaged checksum says what it should be", () => {
    const f = ICMP_ECHO.slice();
    f[24] ^= 0xff;
    expect(lines(f)).toContain("ip.checksum | Header Checksum: 0xdf96 [incorrect, should be 0x2096] | 24 2");
    expect(lines(f)).toContain("ip.checksum.status | Header checksum status: Bad | 24 0");
  });

  it("every field lies inside the frame", () => {
    for (const f of [ARP_REQUEST, RIP_RESPONSE, ICMP_ECHO, TCP_SYN, OSPF_HELLO])
      for (const x of flat(dissectFrame(f))) {
        expect(x.offset).toBeGreaterThanOrEqual(0);
        expect(x.offset + x.length).toBeLessThanOrEqual(f.length);
      }
  });

  it("any bytes give a tree, and a frame cut short says so", () => {
    for (const f of [ARP_REQUEST, RIP_RESPONSE, ICMP_ECHO, TCP_SYN, OSPF_HELLO])
      for (let n = 0; n < f.length; n++) {
        const text = formatDissection(dissectFrame(f.subarray(0, n)));
        if (n < 34) expect(text).toContain("Malformed Packet");
      }
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (b) => {
        for (const f of flat(dissectFrame(b)))
          expect(f.offset + f.length).toBeLessThanOrEqual(Math.max(b.length, 14));
      }),
    );
  });
});
