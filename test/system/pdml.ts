/**
 * @module test/system/pdml
 * tshark's packet details as data: `tshark -T pdml` (Wireshark's detail pane as XML), read into
 * one flat list of lines per packet — field name, the line's text (`showname`), position and
 * size in the frame — leaving out what Wireshark itself hides (`hide="yes"`). The dissection
 * tests compare src/wire/dissect.ts's tree with these, line by line.
 */
import { execFileSync } from "node:child_process";
import { TSHARK_CHECKSUM_PREFS } from "./tshark.js";

export interface PdmlLine {
  name: string;
  text: string;
  pos: number;
  size: number;
}

/** The capture's own lines (frame number, lengths, time): no protocol's. */
const GENINFO = new Set(["geninfo", "num", "len", "caplen", "timestamp", "frame"]);

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

function xmlText(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (_m, e: string) =>
    e[0] === "#"
      ? String.fromCodePoint(
          e[1] === "x" || e[1] === "X" ? Number.parseInt(e.slice(2), 16) : Number(e.slice(1)),
        )
      : (ENTITIES[e] ?? `&${e};`),
  );
}

/** Every packet of `file` as tshark decodes it (checksums verified), one list of lines each. */
export function tsharkPdml(file: string): PdmlLine[][] {
  const xml = execFileSync(
    "tshark",
    ["-r", file, "-n", "-T", "pdml", ...TSHARK_CHECKSUM_PREFS, "-o", "tcp.check_checksum:TRUE"],
    {
      encoding: "utf8",
      maxBuffer: 256 * 1024 * 1024,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const packets: PdmlLine[][] = [];
  let cur: PdmlLine[] | null = null;
  for (const m of xml.matchAll(/<(\/?)(packet|proto|field)\b([^>]*)>/g)) {
    if (m[2] === "packet") {
      if (m[1] === "") {
        cur = [];
        packets.push(cur);
      }
      continue;
    }
    if (m[1] === "/" || cur === null) continue;
    const attrs: Record<string, string> = {};
    for (const a of m[3]!.matchAll(/(\w[\w.-]*)="([^"]*)"/g)) attrs[a[1]!] = xmlText(a[2]!);
    if (attrs.hide === "yes" || GENINFO.has(attrs.name ?? "")) continue;
    if (attrs.name?.startsWith("frame.")) continue;
    cur.push({
      name: attrs.name ?? "",
      text: attrs.showname ?? attrs.show ?? "",
      pos: Number(attrs.pos ?? 0),
      size: Number(attrs.size ?? 0),
    });
  }
  return packets;
}
