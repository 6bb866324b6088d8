/**
 * PacketStore keeps the latest frames by packet id within its bounds: past the frame count or
 * the byte budget the oldest go first (and with them their packet, once its last frame is gone),
 * a packet's frames come back in the order they left, and an engine without frames holds none.
 */
import { describe, expect, it } from "vitest";
import type { Lab, WireListener } from "./lab.js";
import { ACK, FIN, SYN, SYN_ACK } from "../wire/tcp-frames.testkit.js";
import { PacketStore } from "./packet-store.js";

/** A lab that is only a wire: `send` puts a frame on it. */
function wireLab() {
  let listener: WireListener | undefined;
  const lab = {
    onWire(l: WireListener) {
      listener = l;
      return () => {
        listener = undefined;
      };
    },
  } as unknown as Lab;
  return {
    lab,
    send: (packet: number, link: string, t: number, len = 60) =>
      listener?.(link, t, new Uint8Array(len).fill(packet & 0xff), packet),
    sendFrame: (packet: number, link: string, t: number, frame: Uint8Array) =>
      listener?.(link, t, frame, packet),
  };
}

describe("PacketStore", () => {
  it("gives a packet's frames in order, copies of the bytes as they were", () => {
    const { lab, send } = wireLab();
    const s = new PacketStore(lab);
    send(7, "a-b", 10);
    send(8, "a-b", 11);
    send(7, "b-c", 20);
    expect(s.frames(7).map((f) => [f.link, f.t])).toEqual([
      ["a-b", 10],
      ["b-c", 20],
    ]);
    expect(s.frames(7)[0]!.bytes[0]).toBe(7);
    expect(s.frames(9)).toEqual([]);
  });

  it("drops the oldest frames past its frame count and its byte budget", () => {
    const { lab, send } = wireLab();
    const s = new PacketStore(lab, { frames: 4, bytes: 1000 });
    for (let p = 1; p <= 6; p++) send(p, "a-b", p);
    expect(s.size).toBe(4);
    expect(s.frames(1)).toEqual([]);
    expect(s.frames(2)).toEqual([]);
    expect(s.frames(3)).toHaveLength(1);
    // 1000 bytes: three 300-byte frames fit, a fourth pushes the oldest out.
    const w = wireLab();
    const u = new PacketStore(w.lab, { frames: 100, bytes: 1000 });
    for (let p = 1; p <= 4; p++) w.send(p, "a-b", p, 300);
    expect(u.size).toBe(3);
    expect(u.frames(1)).toEqual([]);
  });

  it("a packet whose oldest frame left keeps its newer ones, and never gains another's", () => {
    const { lab, send } = wireLab();
    const s = new PacketStore(lab, { frames: 3, bytes: 10_000 });
    send(7, "a-b", 1);
    send(8, "a-b", 2);
    send(7, "b-c", 3);
    // The ring is full: packet 9 takes the slot packet 7's first frame had.
    send(9, "a-b", 4, 1500);
    expect(s.frames(7).map((f) => [f.link, f.t, f.bytes.length])).toEqual([["b-c", 3, 60]]);
    expect(s.frames(9).map((f) => [f.t, f.bytes.length, f.bytes[0]])).toEqual([[4, 1500, 9]]);
    send(10, "a-b", 5);
    send(7, "c-d", 6);
    expect(s.frames(7).map((f) => f.link)).toEqual(["c-d"]);
    expect(s.frames(8)).toEqual([]);
  });

  it("keeps every held frame's bytes whole through many laps of its byte ring", () => {
    // One ring buffer of the byte budget (issue 23: no buffer per frame). Frames of mixed
    // lengths wrap around it many times; whatever is still held must be the bytes as sent,
    // the newest frame is always held, and never more bytes than the budget.
    const { lab, send } = wireLab();
    const budget = 5_000;
    const s = new PacketStore(lab, { frames: 64, bytes: budget });
    const lengths = [60, 1514, 342, 98, 1200, 64, 590, 1514, 77];
    const sent = new Map<number, number>();
    for (let p = 1; p <= 2_000; p++) {
      const len = lengths[p % lengths.length]!;
      send(p, "a-b", p, len);
      sent.set(p, len);
      expect(s.frames(p).map((f) => f.bytes.length)).toEqual([len]);
      let held = 0;
      for (let q = Math.max(1, p - 80); q <= p; q++)
        for (const f of s.frames(q)) {
          held += f.bytes.length;
          expect(f.bytes.length).toBe(sent.get(q));
          expect(f.bytes.every((b) => b === (q & 0xff))).toBe(true);
        }
      expect(held).toBeLessThanOrEqual(budget);
      expect(s.size).toBeLessThanOrEqual(64);
    }
    // It does hold the recent past, not only the newest frame.
    expect(s.size).toBeGreaterThan(3);
  });

  it("forgets everything when cleared, and holds nothing on an engine without frames", () => {
    const { lab, send } = wireLab();
    const s = new PacketStore(lab);
    send(1, "a-b", 1);
    s.clear();
    expect(s.frames(1)).toEqual([]);
    send(1, "a-b", 2);
    expect(s.frames(1)).toHaveLength(1);
    const none = new PacketStore({} as Lab);
    expect(none.available).toBe(false);
  });

  it("gives a TCP segment its conversation's bases, learnt from frames since let go", () => {
    const { lab, sendFrame } = wireLab();
    const s = new PacketStore(lab, { frames: 2, bytes: 4096 });
    for (const [i, f] of [SYN, SYN_ACK, ACK, FIN].entries()) sendFrame(i + 1, "vm1-vm2", i, f);
    expect(s.frames(1)).toEqual([]); // the SYN's frame is gone, what it taught is not
    expect(s.frames(4)[0]!.tcp).toEqual({ seq: 1562962593, ack: 2229763092 });
  });
});
