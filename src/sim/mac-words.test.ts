import { describe, expect, it } from "vitest";
import { Iface } from "./iface.js";
import { macHi, macLo, putMacWords } from "./mac-words.js";

describe("MACs as two numbers (sim/mac-words)", () => {
  it("reads and writes every byte, the top bit of the last four included", () => {
    const mac = new Uint8Array([0xff, 0xfe, 0x80, 0x01, 0x7f, 0xaa]);
    expect(macHi(mac, 0)).toBe(0xfffe);
    expect(macLo(mac, 0)).toBe(0x80017faa);
    const frame = new Uint8Array(14);
    putMacWords(frame, 6, macHi(mac, 0), macLo(mac, 0));
    expect([...frame.subarray(6, 12)]).toEqual([...mac]);
    expect([...frame.subarray(0, 6)]).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it("an interface's numbers follow its MAC when it is set", () => {
    const i = new Iface(1, "em0", 0x0a000001, 24);
    expect([i.macHi, i.macLo]).toEqual([0, 0]);
    i.mac = new Uint8Array([2, 0, 0xde, 0xad, 0xbe, 0xef]);
    expect(i.macHi).toBe(0x0200);
    expect(i.macLo).toBe(0xdeadbeef);
    expect([...i.mac]).toEqual([2, 0, 0xde, 0xad, 0xbe, 0xef]);
  });
});
