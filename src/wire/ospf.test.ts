import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { WireError } from "./error.js";
import { emitOspf, OSPF_HEADER_LEN, type OspfBody, type OspfRepr, ospfLen, parseOspf } from "./ospf.js";
import {
  emitLsa,
  fletcherChecksum,
  type Lsa,
  type LsaHeader,
  lsaChecksumOk,
  lsaLen,
  parseLsa,
} from "./ospf-lsa.js";

const u32 = fc.integer({ min: 0, max: 0xffffffff });
const u16 = fc.integer({ min: 0, max: 0xffff });
const u8 = fc.integer({ min: 0, max: 0xff });

const arbLsaHeader: fc.Arbitrary<LsaHeader> = fc.record({
  age: u16,
  options: u8,
  type: u8,
  id: u32,
  advRouter: u32,
  seq: fc.integer({ min: -0x80000000, max: 0x7fffffff }),
  checksum: u16,
  length: u16,
});

const arbLsa: fc.Arbitrary<Lsa> = fc.oneof(
  fc.record({
    header: arbLsaHeader.map((h) => ({ ...h, type: 1 })),
    body: fc.record({
      kind: fc.constant("router" as const),
      flags: fc.integer({ min: 0, max: 7 }),
      links: fc.array(
        fc.record({
          id: u32,
          data: u32,
          type: fc.integer({ min: 1, max: 4 }),
          metric: u16,
          tos: fc.array(fc.record({ tos: u8, metric: u16 }), { maxLength: 2 }),
        }),
        { maxLength: 5 },
      ),
    }),
  }),
  fc.record({
    header: arbLsaHeader.map((h) => ({ ...h, type: 2 })),
    body: fc.record({
      kind: fc.constant("network" as const),
      mask: u32,
      routers: fc.array(u32, { minLength: 1, maxLength: 5 }),
    }),
  }),
  fc.record({
    header: arbLsaHeader.map((h) => ({ ...h, type: 3 + (h.type % 4) })),
    body: fc.record({
      kind: fc.constant("opaque" as const),
      bytes: fc
        .integer({ min: 0, max: 6 })
        .chain((n) => fc.uint8Array({ minLength: 4 * n, maxLength: 4 * n })),
    }),
  }),
);

const arbBody: fc.Arbitrary<OspfBody> = fc.oneof(
  fc.record({
    type: fc.constant("hello" as const),
    mask: u32,
    helloInterval: u16,
    options: u8,
    priority: u8,
    deadInterval: u32,
    dr: u32,
    bdr: u32,
    neighbors: fc.array(u32, { maxLength: 6 }),
  }),
  fc.record({
    type: fc.constant("dd" as const),
    mtu: u16,
    options: u8,
    flags: u8,
    seq: u32,
    lsaHeaders: fc.array(arbLsaHeader, { maxLength: 4 }),
  }),
  fc.record({
    type: fc.constant("ls-request" as const),
    requests: fc.array(fc.record({ type: u32, id: u32, advRouter: u32 }), { maxLength: 4 }),
  }),
  fc.record({ type: fc.constant("ls-update" as const), lsas: fc.array(arbLsa, { maxLength: 3 }) }),
  fc.record({ type: fc.constant("ls-ack" as const), lsaHeaders: fc.array(arbLsaHeader, { maxLength: 4 }) }),
);

const arbRepr: fc.Arbitrary<OspfRepr> = fc.record({ routerId: u32, areaId: u32, body: arbBody });

/** A Repr as it reads back: emitted LSAs carry their computed length and checksum. */
function normalized(r: OspfRepr): OspfRepr {
  if (r.body.type !== "ls-update") return r;
  const lsas = r.body.lsas.map((l) => {
    const b = emitLsa(l);
    return { ...l, header: { ...l.header, length: lsaLen(l), checksum: (b[16]! << 8) | b[17]! } };
  });
  return { ...r, body: { type: "ls-update", lsas } };
}

// RFC 2328 A.3.2 laid out by hand: router 1.1.1.1, area 0, 255.255.255.0, hello 10, options E,
// priority 1, dead 40, DR 10.0.0.2, BDR 10.0.0.1, neighbour 2.2.2.2.
const HELLO = [
  2, 1, 0, 48, 1, 1, 1, 1, 0, 0, 0, 0, 0x00, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 255, 255, 255, 0, 0, 10,
  0x02, 1, 0, 0, 0, 40, 10, 0, 0, 2, 10, 0, 0, 1, 2, 2, 2, 2,
];
{
  // The checksum, worked out by the RFC 1071 definition (header minus auth, then the body).
  let s = 0;
  for (let i = 0; i < HELLO.length; i += 2) if (i < 16 || i >= 24) s += (HELLO[i]! << 8) | HELLO[i + 1]!;
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  HELLO[12] = (~s >>> 8) & 0xff;
  HELLO[13] = ~s & 0xff;
}

describe("OSPFv2 packets (RFC 2328 A.3)", () => {
  it("parses a Hello laid out by hand", () => {
    expect(parseOspf(new Uint8Array(HELLO))).toEqual({
      routerId: 0x01010101,
      areaId: 0,
      body: {
        type: "hello",
        mask: 0xffffff00,
        helloInterval: 10,
        options: 2,
        priority: 1,
        deadInterval: 40,
        dr: 0x0a000002,
        bdr: 0x0a000001,
        neighbors: [0x02020202],
      },
    });
  });

  it("parse(emit(r)) == r, and emit(parse(bytes)) == bytes", () => {
    fc.assert(
      fc.property(arbRepr, (r) => {
        const b = emitOspf(r);
        expect(b.length).toBe(ospfLen(r));
        const back = parseOspf(b);
        expect(back).toEqual(normalized(r));
        expect(Array.from(emitOspf(back as OspfRepr))).toEqual(Array.from(b));
      }),
      { numRuns: 500 },
    );
  });

  it("ignores the authentication bytes of Null authentication, and IP padding after the packet", () => {
    const b = new Uint8Array([...HELLO, 0xaa, 0xbb]);
    b.fill(0x5a, 16, 24);
    expect(parseOspf(b)).toEqual(parseOspf(new Uint8Array(HELLO)));
  });

  it("refuses bad bytes with a reason", () => {
    const bad = (edit: (b: Uint8Array) => void, len?: number): string => {
      const b = new Uint8Array(HELLO);
      edit(b);
      const r = parseOspf(b, 0, len ?? b.length);
      return r instanceof WireError ? r.reason : "accepted";
    };
    expect(bad(() => {}, 23)).toBe("OSPF packet too short (23 bytes)");
    expect(bad((b) => (b[0] = 3))).toBe("OSPF version 3");
    expect(bad((b) => (b[1] = 6))).toBe("unknown OSPF packet type 6");
    expect(bad((b) => (b[3] = 52))).toBe("OSPF length 52 with 48 bytes");
    expect(bad((b) => (b[15] = 2))).toBe("OSPF authentication type 2 unsupported");
    expect(bad((b) => (b[47] ^= 1))).toBe("bad OSPF checksum");
    expect(bad(() => {}, 47)).toBe("OSPF length 48 with 47 bytes");
    expect(parseOspf(new Uint8Array(HELLO), -1)).toBeInstanceOf(WireError);
  });

  it("refuses a body too short or ragged for its type, even with a right checksum", () => {
    const withLen = (type: number, body: number[]): WireError | OspfRepr => {
      const b = new Uint8Array(OSPF_HEADER_LEN + body.length);
      b.set([2, type, 0, b.length]);
      b.set(body, OSPF_HEADER_LEN);
      let s = 0;
      for (let i = 0; i + 1 < b.length; i += 2) if (i < 16 || i >= 24) s += (b[i]! << 8) | b[i + 1]!;
      if (b.length & 1) s += b[b.length - 1]! << 8;
      while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
      b[12] = (~s >>> 8) & 0xff;
      b[13] = ~s & 0xff;
      return parseOspf(b);
    };
    expect(withLen(1, new Array(16).fill(0))).toEqual(new WireError("Hello body of 16 bytes"));
    expect(withLen(2, new Array(4).fill(0))).toEqual(new WireError("Database Description body of 4 bytes"));
    expect(withLen(2, new Array(12).fill(0))).toEqual(
      new WireError("Database Description: LSA headers not a multiple of 20 bytes"),
    );
    expect(withLen(3, new Array(8).fill(0))).toEqual(new WireError("LS Request body of 8 bytes"));
    expect(withLen(4, [0, 0, 0, 1])).toEqual(new WireError("LS Update says 1 LSAs, has 0"));
    expect(withLen(4, [0, 0, 0, 0, 0, 0])).toEqual(new WireError("LS Update has bytes after its 0 LSAs"));
    // An LSA whose length runs past the packet.
    const lsa = [0, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0x80, 0, 0, 1, 0, 0, 0, 40];
    expect(withLen(4, [0, 0, 0, 1, ...lsa])).toEqual(
      new WireError("LS Update LSA 1: LSA length 40 out of bounds"),
    );
    expect(withLen(5, new Array(10).fill(0))).toEqual(
      new WireError("LS Ack: LSA headers not a multiple of 20 bytes"),
    );
  });

  it("never throws on arbitrary bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (b) => {
        const r = parseOspf(b);
        expect(r instanceof WireError || typeof r === "object").toBe(true);
      }),
    );
  });
});

describe("LSAs (RFC 2328 A.4) and the Fletcher checksum (RFC 905 Annex B)", () => {
  it("emitted LSAs carry a valid checksum, and any flipped bit past the age breaks it", () => {
    fc.assert(
      fc.property(arbLsa, fc.nat(), fc.integer({ min: 0, max: 7 }), (l, at, bit) => {
        const b = emitLsa(l);
        expect(lsaChecksumOk(b)).toBe(true);
        const back = parseLsa(b, 0, b.length);
        expect(back).not.toBeInstanceOf(WireError);
        const i = 2 + (at % (b.length - 2));
        if (i === 18 || i === 19) return; // the length field: the LSA's extent changes
        const c = b.slice();
        c[i] ^= 1 << bit;
        expect(lsaChecksumOk(c)).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it("matches a checksum computed independently: c0 and c1 sum to 0 mod 255 over the LSA minus its age", () => {
    // A Router-LSA of 1.1.1.1 with one stub link 192.0.2.1/32 metric 10, seq 0x80000001.
    const l: Lsa = {
      header: {
        age: 1,
        options: 2,
        type: 1,
        id: 0x01010101,
        advRouter: 0x01010101,
        seq: -0x7fffffff,
        checksum: 0,
        length: 0,
      },
      body: {
        kind: "router",
        flags: 0,
        links: [{ id: 0xc0000201, data: 0xffffffff, type: 3, metric: 10, tos: [] }],
      },
    };
    const b = emitLsa(l);
    expect(b.length).toBe(36);
    let c0 = 0;
    let c1 = 0;
    for (let i = 2; i < b.length; i++) {
      c0 = (c0 + b[i]!) % 255;
      c1 = (c1 + c0) % 255;
    }
    expect([c0, c1]).toEqual([0, 0]);
    expect(fletcherChecksum(b, 2, b.length - 2, 14)).toBe((b[16]! << 8) | b[17]!);
    // The age is outside the sum: MaxAge-ing an LSA (§14) keeps its checksum.
    b[0] = 0x0e;
    b[1] = 0x10;
    expect(lsaChecksumOk(b)).toBe(true);
  });

  it("refuses a Router-LSA whose link count disagrees with its length", () => {
    const l: Lsa = {
      header: { age: 0, options: 0, type: 1, id: 1, advRouter: 1, seq: 1, checksum: 0, length: 0 },
      body: { kind: "router", flags: 0, links: [{ id: 1, data: 2, type: 1, metric: 1, tos: [] }] },
    };
    const b = emitLsa(l);
    b[23] = 2; // two links claimed, one present
    expect(parseLsa(b, 0, b.length)).toEqual(new WireError("Router-LSA link 2 of 2 truncated"));
    b[23] = 0;
    expect(parseLsa(b, 0, b.length)).toEqual(new WireError("Router-LSA length disagrees with its 0 links"));
  });
});
