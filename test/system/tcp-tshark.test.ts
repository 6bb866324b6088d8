/**
 * The simulated TCP read by tshark, an independent dissector with its own TCP analysis: every
 * segment of a 200 kB transfer and its close on a clean link decodes with good IPv4 and TCP
 * checksums and no `tcp.analysis` finding at all (no retransmission, duplicate ACK, zero
 * window, out-of-order or lost segment); on a link losing 10% of packets the same transfer
 * shows the retransmissions tshark expects of a real stack, and still good checksums.
 * Also the seed scenario through `routelab run --capture`: nc's exchange and its refused ports.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { SECOND } from "../../src/core/time.js";
import type { TcpListener, TcpSocket } from "../../src/sim/tcp/socket.js";
import { bench, ip } from "../../src/sim/tcp/tcp.testkit.js";
import { LINKTYPE_ETHERNET, pcapFileHeader, pcapRecord } from "../../src/wire/pcap.js";
import { routelab } from "../cli.js";
import { CHECKSUM_GOOD, requireTshark, tsharkFields } from "./tshark.js";

const dir = mkdtempSync(join(tmpdir(), "routelab-tcp-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs a `bytes`-long transfer r1 → r3 (and the close) with `loss` on r1-r2; returns the pcap of r1-r2. */
function transferPcap(loss: number, bytes: number, name: string): string {
  const b = bench(5);
  const l = b.node("r3").tcp.listen(7777) as TcpListener;
  let got = 0;
  l.connection = (s) => {
    s.handlers.data = () => {
      got += s.read().length;
    };
    s.handlers.end = () => s.close();
  };
  const c = b.node("r1").tcp.connect(ip("10.0.1.2"), 7777) as TcpSocket;
  const data = new Uint8Array(bytes).fill(0x61);
  let sent = 0;
  const pump = () => {
    while (sent < bytes) {
      const n = c.write(data.subarray(sent));
      if (n === 0) return;
      sent += n;
    }
    c.close();
  };
  c.handlers.connected = pump;
  c.handlers.writable = pump;
  b.net.links[0]!.loss = loss;
  b.net.scheduler.runUntil(300 * SECOND);
  expect(got).toBe(bytes);
  // frames and segs run in step over every link; keep r1-r2's
  const onLink = b.segs.map((s, i) => ({ s, f: b.frames[i]! })).filter((x) => x.s.link === "r1-r2");
  const file = join(dir, name);
  writeFileSync(
    file,
    Buffer.concat([pcapFileHeader(LINKTYPE_ETHERNET), ...onLink.map((x) => pcapRecord(x.f.t, x.f.bytes))]),
  );
  return file;
}

const FIELDS = [
  "frame.number",
  "ip.checksum.status",
  "tcp.checksum.status",
  "tcp.analysis.flags",
  "_ws.expert.message",
];
const TCP_PREFS = ["-o", "tcp.check_checksum:TRUE", "-Y", "tcp"];

describe.runIf(requireTshark())("simulated TCP read by tshark", () => {
  it("a clean 200 kB transfer: good checksums, no TCP analysis findings", () => {
    const rows = tsharkFields(transferPcap(0, 200_000, "clean.pcap"), FIELDS, TCP_PREFS);
    expect(rows.length).toBeGreaterThan(150);
    for (const r of rows) {
      expect(r["ip.checksum.status"]).toBe(CHECKSUM_GOOD);
      expect(r["tcp.checksum.status"]).toBe(CHECKSUM_GOOD);
      expect({ frame: r["frame.number"], analysis: r["tcp.analysis.flags"] }).toEqual({
        frame: r["frame.number"],
        analysis: "",
      });
    }
  });

  it("10% loss: tshark sees retransmissions, checksums stay good", () => {
    const rows = tsharkFields(transferPcap(0.1, 100_000, "lossy.pcap"), FIELDS, TCP_PREFS);
    for (const r of rows) expect(r["tcp.checksum.status"]).toBe(CHECKSUM_GOOD);
    const messages = rows.map((r) => r["_ws.expert.message"]).join("\n");
    expect(messages).toMatch(/retransmission/i);
    // The same field the clean test finds empty is filled here: that test can fail.
    expect(rows.some((r) => r["tcp.analysis.flags"] !== "")).toBe(true);
  });

  it("the seed: nc's lines and refused ports, via routelab run --capture", () => {
    const capDir = join(dir, "seed");
    const script = [
      "wait converged",
      'vm6: echo "hello back" | nc -l 7777 &',
      "vm1: echo hello | nc -v 10.0.60.2 7777",
      // Every node runs an sshd on port 22 (apps/ssh.ts): 23 and 24 are closed.
      "vm1: nc -z -v 10.0.60.2 23-24",
      "",
    ].join("\n");
    const r = routelab(["run", "examples/seed.yaml", "--script", "-", "--capture", capDir], script);
    expect(r.code).toBe(0);
    expect(r.out).toContain("Connection to 10.0.60.2 7777 port [tcp/*] succeeded!\nhello\nhello back\n");
    expect(r.out).toContain("nc: connect to 10.0.60.2 port 23 (tcp) failed: Connection refused\n");
    expect(r.out).toContain("nc: connect to 10.0.60.2 port 24 (tcp) failed: Connection refused\n");
    const rows = tsharkFields(
      join(capDir, "vm1-vm2.pcap"),
      [
        "tcp.srcport",
        "tcp.dstport",
        "tcp.flags.str",
        "tcp.checksum.status",
        "tcp.analysis.flags",
        "tcp.payload",
      ],
      TCP_PREFS,
    );
    expect(rows.length).toBe(12);
    for (const row of rows) {
      expect(row["tcp.checksum.status"]).toBe(CHECKSUM_GOOD);
      expect(row["tcp.analysis.flags"]).toBe("");
    }
    // "hello\n" one way, "hello back\n" the other, and a RST,ACK from each refused port
    expect(rows.some((x) => x["tcp.payload"] === "68656c6c6f0a")).toBe(true);
    expect(rows.some((x) => x["tcp.payload"] === "68656c6c6f206261636b0a")).toBe(true);
    const refused = rows.filter((x) => x["tcp.srcport"] === "23" || x["tcp.srcport"] === "24");
    expect(refused.map((x) => x["tcp.flags.str"]!.replace(/[^A-Z]/g, ""))).toEqual(["AR", "AR"]);
  });
});
