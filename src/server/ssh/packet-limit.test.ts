import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { OPENSSH_PACKET_MAX, packetLimitWarning, ssh2PacketLimit } from "./packet-limit.js";

const PATCH = join(import.meta.dirname, "..", "..", "..", "bin", "patch-ssh2.js");

describe("ssh2's packet limit", () => {
  it("is raised to OpenSSH's 256 KiB by the install (bin/patch-ssh2.js, postinstall)", () => {
    expect(ssh2PacketLimit()).toBe(OPENSSH_PACKET_MAX);
    expect(packetLimitWarning(ssh2PacketLimit())).toBeUndefined();
  });

  it("warns the operator when the install left it at ssh2's 35,000 bytes", () => {
    expect(packetLimitWarning(35_000)).toMatch(
      /^ssh2 accepts SSH packets of 35000 bytes only, so a longer exec request closes its connection: run routelab's bin\/patch-ssh2\.js/,
    );
    expect(packetLimitWarning(undefined)).toMatch(/an unknown size/);
  });

  it("patches the constant once, and leaves a file it does not recognise alone with a warning", () => {
    const dir = mkdtempSync(join(tmpdir(), "routelab-patch-ssh2-"));
    const file = join(dir, "crypto.js");
    const original =
      "'use strict';\nconst MAX_PACKET_SIZE = 35000;\nfunction f() { return MAX_PACKET_SIZE; }\n";
    writeFileSync(file, original);
    execFileSync(process.execPath, [PATCH, file]);
    const once = readFileSync(file, "utf8");
    expect(once).toBe(original.replace("35000;", "256 * 1024; // raised by routelab (bin/patch-ssh2.js)"));
    execFileSync(process.execPath, [PATCH, file]);
    expect(readFileSync(file, "utf8")).toBe(once);

    writeFileSync(file, "const LIMIT = 35000;\n");
    const r = spawnSync(process.execPath, [PATCH, file], { encoding: "utf8" });
    expect(r.status).toBe(0); // an install never fails on it
    expect(r.stderr).toMatch(/^routelab: warning: .*crypto\.js has no 'const MAX_PACKET_SIZE = …;' line/);
    expect(readFileSync(file, "utf8")).toBe("const LIMIT = 35000;\n");
  });
});
