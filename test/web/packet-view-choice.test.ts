/**
 * Which of a packet's frames the packet view opens (web/src/packet-view.ts chooseFrame): the
 * one on the clicked hop's link nearest its time — a packet that crosses a link twice (a
 * routing loop) opens on the crossing clicked — and, for a delivery or drop (no link), the last.
 */
import { describe, expect, it } from "vitest";
import { chooseFrame } from "../../web/src/packet-view.js";

const frames = [
  { link: "vm1-vm2", t: 100, bytes: "" },
  { link: "vm2-vm3", t: 200, bytes: "" },
  { link: "vm1-vm2", t: 300, bytes: "" },
];

describe("chooseFrame", () => {
  it("picks the frame on the hop's link nearest the hop's time", () => {
    expect(chooseFrame(frames, { packet: 1, link: "vm1-vm2", t: 101, title: "", summary: "" })).toBe(0);
    expect(chooseFrame(frames, { packet: 1, link: "vm1-vm2", t: 299, title: "", summary: "" })).toBe(2);
    expect(chooseFrame(frames, { packet: 1, link: "vm2-vm3", t: 0, title: "", summary: "" })).toBe(1);
  });

  it("picks the last frame for a delivery or a drop", () => {
    expect(chooseFrame(frames, { packet: 1, title: "", summary: "" })).toBe(2);
  });
});
