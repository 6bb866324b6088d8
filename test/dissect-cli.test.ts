/**
 * `routelab dissect FILE [N]`: a capture's frames field by field (wire/dissect.ts), from the
 * pcap files `routelab run --capture` writes; a frame number past the end and a file that is no
 * capture are refused with a reason naming them.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { routelab } from "./cli.js";

const dir = mkdtempSync(join(tmpdir(), "routelab-dissect-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("routelab dissect", () => {
  it("prints a captured frame's layers and fields", () => {
    const r = routelab(
      ["run", "examples/seed.yaml", "--script", "-", "--capture", dir],
      "vm1: ping -c 1 vm2\n",
    );
    expect(r.code).toBe(0);
    const d = routelab(["dissect", join(dir, "vm1-vm2.pcap"), "1"]);
    expect(d.code).toBe(0);
    expect(d.out).toMatch(
      /^Frame 1: 42 bytes\n {4}Ethernet II, Src: 02:e2:06:00:03:0a, Dst: ff:ff:ff:ff:ff:ff\n/,
    );
    expect(d.out).toContain(
      "    Address Resolution Protocol (request)\n        Hardware type: Ethernet (1)\n",
    );
    const all = routelab(["dissect", join(dir, "vm1-vm2.pcap")]);
    expect(all.out).toContain("Type: 8 (Echo (ping) request)");
    expect(all.out).toContain("Type: 0 (Echo (ping) reply)");
  });

  it("refuses a frame past the end and a file that is no capture", () => {
    const past = routelab(["dissect", join(dir, "vm1-vm2.pcap"), "9999"]);
    expect(past.code).toBe(2);
    expect(past.err).toMatch(/vm1-vm2\.pcap has \d+ frames: no frame 9999/);
    writeFileSync(join(dir, "notes.txt"), "hello\n");
    const bad = routelab(["dissect", join(dir, "notes.txt")]);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("notes.txt: not a pcap or pcapng file");
  });
});
