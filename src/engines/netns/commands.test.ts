import { describe, expect, it } from "vitest";
import { mapCommand } from "./commands.js";

describe("netns command mapping", () => {
  it("passes FreeBSD's probe sizes to Linux traceroute: 40 bytes, 60 with -I (traceroute.c:669)", () => {
    expect(mapCommand("traceroute vm6", "vm1", 4, null)).toEqual({
      kind: "spawn",
      argv: ["traceroute", "-m", "64", "-t", "4", "vm6", "40"],
    });
    expect(mapCommand("traceroute -I vm6", "vm1", 4, null)).toEqual({
      kind: "spawn",
      argv: ["traceroute", "-I", "-m", "64", "-t", "4", "vm6", "60"],
    });
    expect(mapCommand("traceroute -I vm6 100", "vm1", 4, null)).toMatchObject({
      argv: expect.arrayContaining(["100"]),
    });
  });
});
