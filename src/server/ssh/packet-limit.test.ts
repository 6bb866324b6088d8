import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { isTooLongPacket, SSH2_EXEC_COMMAND_MAX, SSH2_PACKET_MAX, tooLongPacket } from "./packet-limit.js";

describe("ssh2's packet limit", () => {
  it("is the constant of the installed ssh2, unpatched (lib/protocol/crypto.js)", () => {
    const file = createRequire(import.meta.url).resolve("ssh2/lib/protocol/crypto.js");
    expect(readFileSync(file, "utf8")).toMatch(
      new RegExp(`^const MAX_PACKET_SIZE = ${SSH2_PACKET_MAX};$`, "m"),
    );
    expect(SSH2_EXEC_COMMAND_MAX).toBe(34_942);
  });

  it("a connection ssh2 closed on a longer packet is logged with the reason", () => {
    expect(isTooLongPacket(new Error("Bad packet length"))).toBe(true);
    expect(isTooLongPacket(new Error("Bad packet length: 40032"))).toBe(true);
    expect(isTooLongPacket(new Error("read ECONNRESET"))).toBe(false);
    expect(tooLongPacket("10.1.2.3", "alice", new Error("Bad packet length: 40032"))).toBe(
      "ssh: 10.1.2.3: alice sent a packet of 40032 bytes, longer than the 35000 the SSH library takes " +
        "(an exec command over about 34942 characters?): connection closed",
    );
    expect(tooLongPacket("10.1.2.3", undefined, new Error("Bad packet length"))).toMatch(
      /^ssh: 10\.1\.2\.3: \(not logged in\) sent a packet longer than the 35000/,
    );
  });
});
