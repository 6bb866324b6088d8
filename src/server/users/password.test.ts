import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { hashPassword, parseHash, randomPassword, verifyPassword } from "./password.js";

describe("password hashing", () => {
  it("hashes with a fresh salt and verifies only the right password", async () => {
    const a = await hashPassword("pässword");
    const b = await hashPassword("pässword");
    expect(a).not.toBe(b);
    expect(await verifyPassword("pässword", a)).toBe(true);
    // NFC and NFD spellings of the same text are one password
    expect(await verifyPassword("pa\u0308ssword", a)).toBe(true);
    expect(await verifyPassword("password", a)).toBe(false);
    expect(await verifyPassword("pässword", undefined)).toBe(false);
    expect(await verifyPassword("pässword", "plain text")).toBe(false);
  });

  it("refuses stored parameters that would cost too much", () => {
    expect(parseHash("scrypt$16384$8$1$c2FsdHNhbHQ=$aGFzaGhhc2hoYXNoaGFzaGhhc2g=")).toBeDefined();
    expect(parseHash("scrypt$1048576000$8$1$c2FsdHNhbHQ=$aGFzaGhhc2hoYXNoaGFzaGhhc2g=")).toBeUndefined();
    expect(parseHash("scrypt$1000$8$1$c2FsdHNhbHQ=$aGFzaGhhc2hoYXNoaGFzaGhhc2g=")).toBeUndefined();
  });

  it("never throws on arbitrary stored strings", async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 80 }), async (s) => {
        expect(await verifyPassword("x", s)).toBe(false);
      }),
      { numRuns: 20 },
    );
  });

  it("makes readable random passwords", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const p = randomPassword();
      expect(p).toMatch(/^[a-hj-km-np-z2-9]{4}(-[a-hj-km-np-z2-9]{4}){3}$/);
      seen.add(p);
    }
    expect(seen.size).toBe(50);
  });
});
