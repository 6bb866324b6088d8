import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { WireError } from "./error.js";
import {
  checkRip,
  emitRip,
  emitRipEntry,
  emitRipHeader,
  parseRip,
  RIP_MAX_ENTRIES,
  type RipEntry,
  ripEntryOffset,
  ripLen,
  rteAddr,
  rteAfi,
  rteMask,
  rteMetric,
  rteNextHop,
  rteTag,
} from "./rip.js";

const u16 = fc.integer({ min: 0, max: 0xffff });
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const arbEntry: fc.Arbitrary<RipEntry> = fc.record({
  afi: fc.integer({ min: 0, max: 0xfffe }),
  tag: u16,
  addr: u32,
  mask: u32,
  nextHop: u32,
  metric: u32,
});
const arbEntries = fc.array(arbEntry, { minLength: 1, maxLength: RIP_MAX_ENTRIES });

describe("rip in place (the daemon's zero-allocation path)", () => {
  it("reads every entry in place as parseRip does, at any offset", () => {
    fc.assert(
      fc.property(arbEntries, fc.integer({ min: 0, max: 7 }), (entries, off) => {
        const msg = { command: 2, version: 2, entries };
        const b = new Uint8Array(off + ripLen(msg));
        emitRip(msg, b, off);
        const n = checkRip(b, off);
        expect(n).toBe(entries.length);
        const read: RipEntry[] = [];
        for (let i = 0; i < entries.length; i++) {
          const o = ripEntryOffset(off, i);
          read.push({
            afi: rteAfi(b, o),
            tag: rteTag(b, o),
            addr: rteAddr(b, o),
            mask: rteMask(b, o),
            nextHop: rteNextHop(b, o),
            metric: rteMetric(b, o),
          });
        }
        expect(read).toEqual(entries);
        expect(read).toEqual((parseRip(b, off) as { entries: RipEntry[] }).entries);
      }),
    );
  });

  it("encodes field by field the same bytes as emitRip", () => {
    fc.assert(
      fc.property(arbEntries, u16, (entries, reserved) => {
        const msg = { command: 2, version: 2, entries, reserved };
        const b = new Uint8Array(ripLen(msg));
        emitRipHeader(b, 0, 2, 2, reserved);
        for (const [i, e] of entries.entries())
          emitRipEntry(b, ripEntryOffset(0, i), e.afi, e.tag, e.addr, e.mask, e.nextHop, e.metric);
        expect(b).toEqual(emitRip(msg));
      }),
    );
  });

  it("refuses what parseRip refuses, with the same reason", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 80 }), (b) => {
        const n = checkRip(b);
        const p = parseRip(b);
        if (n instanceof WireError) expect(p).toEqual(n);
        else expect((p as { entries: RipEntry[] }).entries.length).toBe(n);
      }),
    );
  });
});
