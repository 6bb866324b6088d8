import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { WireError } from "./error.js";
import {
  emitRip,
  isWholeTableRequest,
  parseRip,
  RIP_MAX_ENTRIES,
  type RipEntry,
  type RipRepr,
  ripLen,
  wholeTableRequest,
} from "./rip.js";

// protocols.md §1 [lab]: the whole-table request as FRR/BIRD sent it.
const WHOLE_TABLE = [0x01, 0x02, 0x00, 0x00, ...new Array(16).fill(0), 0x00, 0x00, 0x00, 0x10];

// A response with two routes, laid out by hand from RFC 2453 §4:
// 10.0.30.0/24 metric 2 tag 0, and 10.0.60.0/24 via next hop 10.0.12.9 metric 16 tag 7.
const RESPONSE = [
  0x02, 0x02, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 10, 0, 30, 0, 255, 255, 255, 0, 0, 0, 0, 0, 0, 0, 0, 2,
  0x00, 0x02, 0x00, 0x07, 10, 0, 60, 0, 255, 255, 255, 0, 10, 0, 12, 9, 0, 0, 0, 16,
];
const RESPONSE_REPR: RipRepr = {
  command: 2,
  version: 2,
  reserved: 0,
  entries: [
    { afi: 2, tag: 0, addr: 0x0a001e00, mask: 0xffffff00, nextHop: 0, metric: 2 },
    { afi: 2, tag: 7, addr: 0x0a003c00, mask: 0xffffff00, nextHop: 0x0a000c09, metric: 16 },
  ],
};

const arbEntry: fc.Arbitrary<RipEntry> = fc.record({
  afi: fc.integer({ min: 0, max: 0xfffe }),
  tag: fc.integer({ min: 0, max: 0xffff }),
  addr: fc.integer({ min: 0, max: 0xffffffff }),
  mask: fc.integer({ min: 0, max: 0xffffffff }),
  nextHop: fc.integer({ min: 0, max: 0xffffffff }),
  metric: fc.integer({ min: 0, max: 0xffffffff }),
});

describe("rip", () => {
  it("deconstruct: the whole-table request bytes", () => {
    const r = parseRip(Uint8Array.from(WHOLE_TABLE)) as RipRepr;
    expect(isWholeTableRequest(r)).toBe(true);
  });

  it("construct: wholeTableRequest emits the captured bytes", () => {
    expect([...emitRip(wholeTableRequest())]).toEqual(WHOLE_TABLE);
  });

  it("parse: the golden response", () => {
    expect(parseRip(Uint8Array.from([9, 9, ...RESPONSE]), 2, RESPONSE.length)).toEqual(RESPONSE_REPR);
  });

  it("emit: into a buffer at an offset", () => {
    const b = new Uint8Array(3 + ripLen(RESPONSE_REPR));
    expect(emitRip(RESPONSE_REPR, b, 3)).toBe(b);
    expect([...b.subarray(3)]).toEqual(RESPONSE);
    expect(ripLen(RESPONSE_REPR)).toBe(44);
  });

  const drops: [string, number[], RegExp][] = [
    ["empty", [2, 2, 0, 0], /too short/],
    ["length not 4+20n", [...RESPONSE, 0], /not 4 \+ 20n/],
    ["26 entries", [2, 2, 0, 0, ...new Array(26 * 20).fill(0)], /26 entries/],
    ["command 3", [3, ...RESPONSE.slice(1)], /command 3/],
    ["command 0", [0, ...RESPONSE.slice(1)], /command 0/],
    ["version 0", [2, 0, ...RESPONSE.slice(2)], /version 0/],
    ["auth entry", [2, 2, 0, 0, 0xff, 0xff, 0, 2, ...new Array(16).fill(0)], /authentication unsupported/],
    ["RIPv1 non-zero header field", [2, 1, 0, 1, ...RESPONSE.slice(4, 24)], /must-be-zero/],
    ["RIPv1 with a mask", [2, 1, 0, 0, ...RESPONSE.slice(4, 24)], /must-be-zero/],
  ];
  for (const [name, bytes, re] of drops) {
    it(`drops a message: ${name}`, () => {
      const r = parseRip(Uint8Array.from(bytes));
      expect(r).toBeInstanceOf(WireError);
      expect((r as WireError).reason).toMatch(re);
    });
  }

  it("keeps the RIPv2 unused header field instead of rejecting", () => {
    const b = Uint8Array.from(RESPONSE);
    b[3] = 5;
    expect((parseRip(b) as RipRepr).reserved).toBe(5);
  });

  it("accepts a RIPv1 message with zero fields", () => {
    const v1 = [2, 1, 0, 0, 0, 2, 0, 0, 10, 0, 0, 0, ...new Array(8).fill(0), 0, 0, 0, 1];
    expect((parseRip(Uint8Array.from(v1)) as RipRepr).entries[0]!.addr).toBe(0x0a000000);
  });

  it("accepts 25 entries", () => {
    const b = new Uint8Array(4 + 25 * 20);
    b[0] = 2;
    b[1] = 2;
    expect((parseRip(b) as RipRepr).entries.length).toBe(RIP_MAX_ENTRIES);
  });

  it("property: emit/parse round trip", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(1, 2),
        fc.integer({ min: 2, max: 255 }),
        fc.array(arbEntry, { minLength: 1, maxLength: 25 }),
        fc.integer({ min: 0, max: 0xffff }),
        (command, version, entries, reserved) => {
          const r: RipRepr = { command, version, entries, reserved };
          expect(parseRip(emitRip(r))).toEqual(r);
        },
      ),
    );
  });
});

// RIP version 1 (RFC 1058 §3.1): the same 4 + 20n layout, with the fields RIP-2 later gave to
// the route tag, mask and next hop "must be zero". A response with two routes laid out by hand
// from the RFC's diagram — 10.0.30.0 metric 2 and 10.0.40.0 metric 16 — and the whole-table
// request routed broadcasts at start-up (output.c rip_query: RIPv1 unless -P ripv2_out).
const V1_RESPONSE = [
  0x02, 0x01, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 10, 0, 30, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0x00,
  0x02, 0x00, 0x00, 10, 0, 40, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 16,
];
const V1_RESPONSE_REPR: RipRepr = {
  command: 2,
  version: 1,
  reserved: 0,
  entries: [
    { afi: 2, tag: 0, addr: 0x0a001e00, mask: 0, nextHop: 0, metric: 2 },
    { afi: 2, tag: 0, addr: 0x0a002800, mask: 0, nextHop: 0, metric: 16 },
  ],
};
const V1_WHOLE_TABLE = [0x01, 0x01, 0x00, 0x00, ...new Array(16).fill(0), 0x00, 0x00, 0x00, 0x10];

describe("rip version 1 (RFC 1058)", () => {
  it("deconstruct: the version 1 whole-table request", () => {
    const r = parseRip(Uint8Array.from(V1_WHOLE_TABLE)) as RipRepr;
    expect(r.version).toBe(1);
    expect(isWholeTableRequest(r)).toBe(true);
  });

  it("construct: a version 1 whole-table request emits the reference bytes", () => {
    expect([...emitRip({ ...wholeTableRequest(), version: 1 })]).toEqual(V1_WHOLE_TABLE);
  });

  it("parse: the reference response, masks zero", () => {
    expect(parseRip(Uint8Array.from(V1_RESPONSE))).toEqual(V1_RESPONSE_REPR);
  });

  it("emit: the reference response at an offset", () => {
    const b = new Uint8Array(1 + ripLen(V1_RESPONSE_REPR));
    emitRip(V1_RESPONSE_REPR, b, 1);
    expect([...b.subarray(1)]).toEqual(V1_RESPONSE);
  });

  it("refuses a version 1 entry with a mask, a tag or a next hop (RFC 1058 3.4: must be zero)", () => {
    for (const at of [6, 12, 16]) {
      const bad = V1_RESPONSE.slice();
      bad[at + 1] = 1;
      expect(parseRip(Uint8Array.from(bad))).toBeInstanceOf(WireError);
    }
  });
});
