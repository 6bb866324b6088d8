import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ssh2 from "ssh2";
import { describe, expect, it } from "vitest";
import { generateEd25519, loadOrCreateHostKey } from "./host-key.js";

describe("ed25519 keys", () => {
  // ssh2 1.17's generator drops a leading zero byte of the public key (about 1 pair in 180):
  // 3000 raw pairs hold such a one with probability 1 - (179/180)^3000 > 0.999999. Made
  // through generateEd25519 every pair reads back, so a fresh host key never stops `up`.
  it("every pair generateEd25519 makes is one ssh2 reads back, private and public halves", () => {
    for (let i = 0; i < 3000; i++) {
      const pair = generateEd25519();
      expect(ssh2.utils.parseKey(pair.private) instanceof Error).toBe(false);
      expect(ssh2.utils.parseKey(pair.public) instanceof Error).toBe(false);
    }
  });

  it("a new host key is written once, mode 0600, and read back with the same fingerprint", () => {
    const path = join(mkdtempSync(join(tmpdir(), "routelab-hostkey-")), "ssh_host_ed25519_key");
    const first = loadOrCreateHostKey(path);
    expect(first.created).toBe(true);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const again = loadOrCreateHostKey(path);
    expect(again).toMatchObject({ created: false, fingerprint: first.fingerprint });
    expect(readFileSync(path, "utf8")).toBe(first.privateKey);
  });
});
