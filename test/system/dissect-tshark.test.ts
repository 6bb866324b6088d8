/**
 * src/wire/dissect.ts against Wireshark: for every frame of a simulated run's capture (ARP
 * announcements, requests and replies, RIP requests and responses, ICMP echo, time exceeded and
 * port unreachable quoting a traceroute probe, a TCP SYN and its RST) and of a real FRR ospfd
 * exchange (test/fixtures/ospf/frr-ospf.pcap: Hello, DD, LS Request, LS Update, LS Ack), each
 * line our tree shows is a line tshark's detail pane shows for the same bytes — same field name,
 * same bytes, same words — and each line tshark shows for the layers we decode is in our tree,
 * but for the few listed below (conversation state, expert notes, decodings we leave as bytes).
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { routelab } from "../cli.js";
import {
  dissectFrame,
  type PacketField,
  parsePcap,
  type TcpSequenceBase,
  TcpSequenceBases,
  WireError,
} from "../../src/wire/index.js";
import { type PdmlLine, tsharkPdml } from "./pdml.js";
import { requireTshark } from "./tshark.js";

const dir = mkdtempSync(join(tmpdir(), "routelab-dissect-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Lines tshark shows that one frame alone cannot give, or that we leave undecoded. */
const TSHARK_ONLY = [
  /^_ws\.expert/, // expert notes ("Time To Live" only 1, possible traceroute)
  /^ip\.ttl\.too_small$/,
  /^(tcp|udp)\.(stream|time_relative|time_delta|completeness)$/, // conversation state
  /^tcp\.(window_size|window_size_scalefactor|connection\.\w+|analysis.*)$/, // window scaling, analysis
  /^icmp\.(data_time|data_time_relative|resp_in|resp_to|resptime|no_resp)$/, // guesses from other frames
  /^udp\.possible_traceroute$/,
  /^ospf\.(v2\.router|lsa\.number_of_links|lsa\.router|lsa\.net|v2\.lsa|lsa\.(flags|nssa|external))/, // LSA bodies (shown as bytes)
  /^ospf\.(v2\.router|lsa\.asbr)/,
  /^ospf\.(lls|v2\.grace)/,
  /^$/, // Wireshark's unnamed "Timestamps" group
  /^data$/, // the data container (no position in PDML)
  /^fake-field-wrapper$/, // tshark's wrapper around a UDP payload's data
];

function flat(fields: readonly PacketField[], out: PacketField[] = []): PacketField[] {
  for (const f of fields) {
    out.push(f);
    if (f.children) flat(f.children, out);
  }
  return out;
}

const key = (name: string, pos: number, size: number, text: string) => `${name}|${pos}|${size}|${text}`;

/** Our lines tshark lacks, and tshark's lines we lack, for one frame. */
function compare(
  frame: Uint8Array,
  theirs: PdmlLine[],
  tcp: TcpSequenceBase | undefined,
): { extra: string[]; missing: string[] } {
  const ours = flat(dissectFrame(frame, tcp));
  const echoData = theirs.some((l) => l.name === "icmp.data_time");
  const theirKeys = new Set(theirs.map((l) => key(l.name, l.pos, l.size, l.text)));
  const ourKeys = new Set(ours.map((f) => key(f.name, f.offset, f.length, f.text)));
  const extra = ours
    .filter((f) => f.name !== "" && f.name !== "data" && !(echoData && f.name.startsWith("data.")))
    .map((f) => key(f.name, f.offset, f.length, f.text))
    .filter((k) => !theirKeys.has(k));
  // tshark takes the first 8 bytes of an echo's data for a timestamp when they are near the
  // frame's time, which one frame alone does not know: its data lines start 8 bytes later.
  const missing = theirs
    .filter((l) => !TSHARK_ONLY.some((re) => re.test(l.name)) && !(echoData && l.name.startsWith("data.")))
    .map((l) => key(l.name, l.pos, l.size, l.text))
    .filter((k) => !ourKeys.has(k));
  return { extra, missing };
}

/**
 * The frames whose trees differ from tshark's, with what differs; TCP's relative sequence
 * numbers from the conversations seen so far in the file, as tshark counts them.
 */
function differences(fs: Uint8Array[], pdml: PdmlLine[][]) {
  const tcp = new TcpSequenceBases();
  return fs
    .map((f, i) => ({ frame: i + 1, ...compare(f, pdml[i]!, tcp.observe(f)) }))
    .filter((d) => d.extra.length > 0 || d.missing.length > 0);
}

function frames(file: string): Uint8Array[] {
  const p = parsePcap(new Uint8Array(readFileSync(file)));
  if (p instanceof WireError) throw new Error(p.reason);
  return p.records.map((r) => r.packet);
}

describe.runIf(requireTshark())("dissect.ts reads frames as tshark does", () => {
  it("every frame of a simulated run: ARP, RIP, ICMP echo and errors, UDP probes, TCP SYN and RST", () => {
    const script =
      "wait converged\nvm1: ping -c 1 vm6\nvm1: traceroute -q 1 vm6\nvm1: nc -z -w 1 10.0.10.2 22\n";
    const r = routelab(["run", "examples/seed.yaml", "--script", "-", "--capture", dir], script);
    expect(r.code).toBe(0);
    const file = join(dir, "vm1-vm2.pcap");
    const fs = frames(file);
    const pdml = tsharkPdml(file);
    expect(pdml).toHaveLength(fs.length);
    const protocols = new Set<string>();
    for (const f of fs) for (const l of dissectFrame(f)) protocols.add(l.name);
    expect(differences(fs, pdml)).toEqual([]);
    expect([...protocols].sort()).toEqual(["arp", "data", "eth", "icmp", "ip", "rip", "tcp", "udp"]);
  });

  it("an ICMP redirect (examples/lan.yaml, r1 to h1): gateway address and the quoted datagram", () => {
    const out = join(dir, "lan");
    const script = "wait converged\nh1: ping -c 1 10.0.2.11\n";
    const r = routelab(["run", "examples/lan.yaml", "--script", "-", "--capture", out], script);
    expect(r.code).toBe(0);
    const file = join(out, "h1-lan1.pcap");
    const fs = frames(file);
    const pdml = tsharkPdml(file);
    const redirects = pdml.filter((lines) => lines.some((l) => l.name === "icmp.redir_gw"));
    expect(redirects.map((lines) => lines.find((l) => l.name === "icmp.redir_gw")!.text)).toEqual([
      "Gateway Address: 10.0.1.2",
    ]);
    expect(redirects[0]!.some((l) => l.name === "icmp.checksum.status" && l.text.includes("Good"))).toBe(
      true,
    );
    expect(differences(fs, pdml)).toEqual([]);
  });

  it("every packet of an FRR ospfd exchange to Full", () => {
    const file = join(import.meta.dirname, "..", "fixtures", "ospf", "frr-ospf.pcap");
    const fs = frames(file);
    const pdml = tsharkPdml(file);
    expect(fs.length).toBeGreaterThan(20);
    expect(differences(fs, pdml)).toEqual([]);
  });
});
