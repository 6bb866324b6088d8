/**
 * The seed's relay (examples/lessons/relay.yaml, the post's commands in relay.pass.txt) on the
 * simulator, captured and read by tshark: on the client's side the connection goes to the old
 * address 192.168.10.200:22, on the server's side the relay's own connection goes to
 * 192.168.20.200:22 — one connection became two — and every IPv4 and TCP checksum of every
 * frame is good after the REDIRECT's rewrite, with no tshark expert error; the moved server's
 * sshd identification string comes back through both, decoded by tshark as SSH.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { routelab } from "../cli.js";
import { CHECKSUM_GOOD, EXPERT_ERROR, requireTshark, tsharkFields } from "./tshark.js";

const dir = mkdtempSync(join(tmpdir(), "routelab-relay-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const FIELDS = [
  "frame.protocols",
  "ip.src",
  "ip.dst",
  "ip.checksum.status",
  "tcp.srcport",
  "tcp.dstport",
  "tcp.flags.syn",
  "tcp.flags.ack",
  "tcp.checksum.status",
  "tcp.payload",
  "ssh.protocol",
  "_ws.expert.severity",
];
const PREFS = ["-o", "ip.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE", "-Y", "tcp"];

describe.runIf(requireTshark())("the relay lesson captured", () => {
  it("shows the client's connection to 192.168.10.200:22 and the relay's to 192.168.20.200:22, checksums good", () => {
    const r = routelab([
      "run",
      "examples/lessons/relay.yaml",
      "--script",
      "examples/lessons/relay.pass.txt",
      "--capture",
      dir,
    ]);
    expect(r.code).toBe(0);
    const relaySide = tsharkFields(join(dir, "router-relay.pcap"), FIELDS, PREFS);
    const serverSide = tsharkFields(join(dir, "router-server.pcap"), FIELDS, PREFS);
    for (const row of [...relaySide, ...serverSide]) {
      expect(row["ip.checksum.status"]).toBe(CHECKSUM_GOOD);
      expect(row["tcp.checksum.status"]).toBe(CHECKSUM_GOOD);
      for (const sev of row["_ws.expert.severity"]!.split(",").filter(Boolean))
        expect(Number(sev)).toBeLessThan(EXPERT_ERROR);
    }
    const syn = (rows: Record<string, string>[]) =>
      rows.filter((x) => x["tcp.flags.syn"] === "1" && x["tcp.flags.ack"] === "0");
    // The client called the old address, port 22 (50022 never shows on the wire); then the
    // relay's own connection leaves by the same cable towards the server's new address.
    expect(syn(relaySide).map((x) => [x["ip.src"], x["ip.dst"], x["tcp.dstport"]])).toEqual([
      ["192.168.30.10", "192.168.10.200", "22"],
      ["192.168.10.100", "192.168.20.200", "22"],
    ]);
    expect(relaySide.every((x) => x["tcp.srcport"] !== "50022" && x["tcp.dstport"] !== "50022")).toBe(true);
    // The relay's own connection, from its address to the server's new one.
    expect(syn(serverSide).map((x) => [x["ip.src"], x["ip.dst"], x["tcp.dstport"]])).toEqual([
      ["192.168.10.100", "192.168.20.200", "22"],
    ]);
    // The moved server's sshd identification (RFC 4253 §4.2, apps/ssh.ts) crossed both
    // connections back to the client, and tshark reads it as SSH; no key exchange follows.
    const banner = (rows: Record<string, string>[]) =>
      rows.filter((x) => x["ssh.protocol"] !== "").map((x) => [x["ip.src"], x["ssh.protocol"]]);
    expect(banner(serverSide)).toEqual([["192.168.20.200", "SSH-2.0-OpenSSH_5.5p1 Debian-6"]]);
    // The relay's cable carries it twice: in from the server, out from the old address.
    expect(banner(relaySide)).toEqual([
      ["192.168.20.200", "SSH-2.0-OpenSSH_5.5p1 Debian-6"],
      ["192.168.10.200", "SSH-2.0-OpenSSH_5.5p1 Debian-6"],
    ]);
  });
});
