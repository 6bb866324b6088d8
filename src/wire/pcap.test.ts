import { describe, expect, it } from "vitest";
import { WireError } from "./error.js";
import { LINKTYPE_RAW, type PcapFile, parsePcap, pcapFileHeader, pcapRecord } from "./pcap.js";

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

describe("pcap", () => {
  it("construct: the nanosecond little-endian file header", () => {
    expect([...pcapFileHeader()]).toEqual([
      0x4d, 0x3c, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 101, 0, 0, 0,
    ]);
    expect([...pcapFileHeader(1, 1500, false).subarray(0, 4)]).toEqual([0xd4, 0xc3, 0xb2, 0xa1]);
  });

  it("construct: a record header splits seconds and nanoseconds", () => {
    const r = pcapRecord(3_000_000_123, Uint8Array.from([0xaa, 0xbb]));
    expect([...r]).toEqual([3, 0, 0, 0, 123, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 0xaa, 0xbb]);
  });

  it("parse: reads back what the writer wrote", () => {
    const f = parsePcap(
      concat([
        pcapFileHeader(),
        pcapRecord(0, Uint8Array.from([1])),
        pcapRecord(1_500_000_001, Uint8Array.from([2, 3])),
      ]),
    ) as PcapFile;
    expect(f.linktype).toBe(LINKTYPE_RAW);
    expect(f.nanos).toBe(true);
    expect(f.records.map((r) => [r.tNanos, [...r.packet]])).toEqual([
      [0, [1]],
      [1_500_000_001, [2, 3]],
    ]);
  });

  it("parse: a big-endian microsecond file (as other tools write)", () => {
    const h = [0xa1, 0xb2, 0xc3, 0xd4, 0, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 0, 1];
    const rec = [0, 0, 0, 2, 0, 0, 0, 5, 0, 0, 0, 1, 0, 0, 0, 60, 0x45];
    const f = parsePcap(Uint8Array.from([...h, ...rec])) as PcapFile;
    expect(f.littleEndian).toBe(false);
    expect(f.linktype).toBe(1);
    expect(f.records[0]).toMatchObject({ tNanos: 2_000_005_000, origLen: 60 });
  });

  it("microsecond records round microseconds down", () => {
    const r = pcapRecord(1_000_001_999, new Uint8Array(0), false);
    expect([...r.subarray(4, 8)]).toEqual([1, 0, 0, 0]);
  });

  it("rejects bad magic and truncation", () => {
    expect(parsePcap(new Uint8Array(24))).toBeInstanceOf(WireError);
    expect(parsePcap(new Uint8Array(3))).toBeInstanceOf(WireError);
    const whole = concat([pcapFileHeader(), pcapRecord(0, new Uint8Array(10))]);
    expect((parsePcap(whole.subarray(0, whole.length - 1)) as WireError).reason).toMatch(/truncated/);
    expect((parsePcap(whole.subarray(0, 30)) as WireError).reason).toMatch(/truncated/);
  });
});
