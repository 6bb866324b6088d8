/**
 * @module test/system/tshark
 * Shared helpers for system tests that decode routelab's own captures with tshark (Wireshark's
 * command-line dissector, an independent implementation of every header and checksum we write).
 * Without tshark a test skips locally but fails under CI (`CI=true`), per house rules.
 */
import { execFileSync } from "node:child_process";

/** Whether `tshark` runs on this machine. */
export function tsharkAvailable(): boolean {
  try {
    execFileSync("tshark", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether a tshark test should run: true when tshark exists; false (skip) when it is missing
 * locally; throws under CI, so a missing tool fails the build instead of passing silently.
 */
export function requireTshark(): boolean {
  if (tsharkAvailable()) return true;
  if (process.env.CI === "true") throw new Error("tshark is required under CI but was not found");
  return false;
}

/** Preferences that make tshark verify IPv4 and UDP checksums (off by default). */
export const TSHARK_CHECKSUM_PREFS = ["-o", "ip.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE"];

/** tshark's `*.checksum.status` values. */
export const CHECKSUM_BAD = "0";
export const CHECKSUM_GOOD = "1";
export const CHECKSUM_UNVERIFIED = "2";

/** tshark's expert-info severities (`_ws.expert.severity`): note, warning, error. */
export const EXPERT_NOTE = 0x400000;
export const EXPERT_WARN = 0x600000;
export const EXPERT_ERROR = 0x800000;

/**
 * Runs `tshark -r FILE -T fields -e F…` with checksum checking on and returns one row per packet:
 * a map from field name to its value text. A field that occurs more than once in a packet (the IP
 * header quoted inside an ICMP error) gives its occurrences separated by commas; a field that is
 * absent gives "".
 */
export function tsharkFields(file: string, fields: string[], extra: string[] = []): Record<string, string>[] {
  const args = [
    "-r",
    file,
    "-n",
    "-T",
    "fields",
    "-E",
    "separator=/t",
    "-E",
    "occurrence=a",
    "-E",
    "aggregator=,",
  ];
  for (const f of fields) args.push("-e", f);
  args.push(...TSHARK_CHECKSUM_PREFS, ...extra);
  const out = execFileSync("tshark", args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  return out
    .split("\n")
    .filter((l) => l.length > 0)
    .map((line) => {
      const cols = line.split("\t");
      const row: Record<string, string> = {};
      fields.forEach((f, i) => {
        row[f] = cols[i] ?? "";
      });
      return row;
    });
}
