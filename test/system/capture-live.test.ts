/**
 * `routelab capture URL LINK | tshark -i -` on a running `routelab up` (the seed at 20×): the
 * pcapng stream reaches tshark as a live capture, every frame decodes (Ethernet, IPv4 or ARP,
 * nothing malformed), the command says on standard error how many it captured (as tcpdump),
 * and a lab with logins refuses a capture without a login's token, saying where one goes.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { requireTshark } from "./tshark.js";
import { startUp, type UpProcess } from "./up-process.js";

const ROOT = join(import.meta.dirname, "..", "..");
const BIN = join(ROOT, "bin", "routelab.js");
const dir = mkdtempSync(join(tmpdir(), "routelab-capture-live-"));
let running: UpProcess | undefined;
afterAll(async () => {
  await running?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe.runIf(requireTshark())("routelab capture on a running lab", () => {
  it("streams a link live into tshark -i -, and counts what it captured", async () => {
    running = await startUp(
      process.execPath,
      [
        BIN,
        "up",
        join(ROOT, "examples", "seed.yaml"),
        "--http",
        "0",
        "--no-ssh",
        "--speed",
        "20",
        "--state",
        dir,
      ],
      { cwd: dir, env: process.env },
    );
    const url = running.url;
    const refused = spawnSync(process.execPath, [BIN, "capture", url, "vm1-vm2", "-c", "1"], {
      encoding: "utf8",
      env: { ...process.env, ROUTELAB_TOKEN: "" },
    });
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain("401");
    expect(refused.stderr).toContain("ROUTELAB_TOKEN");
    const login = await fetch(new URL("/api/login", url), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ user: "instructor", password: running.password }),
    });
    const { token } = (await login.json()) as { token: string };
    // Traffic beside RIP's: a ping across the link while the capture runs.
    const ping = fetch(new URL("/api/exec", url), {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ node: "vm1", command: "ping -c 20 vm2" }),
    });
    const out = execFileSync(
      "sh",
      [
        "-c",
        `"${process.execPath}" "${BIN}" capture "${url}" vm1-vm2 -c 8 2>capture.err | tshark -i - -n -T fields -e frame.protocols 2>/dev/null; cat capture.err >&2`,
      ],
      {
        cwd: dir,
        env: { ...process.env, ROUTELAB_TOKEN: token },
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
        timeout: 120_000,
      },
    );
    expect((await ping).status).toBe(200);
    const rows = out.trim().split("\n");
    expect(rows).toHaveLength(8);
    for (const row of rows) {
      expect(row).toMatch(/^eth:ethertype:(arp|ip)/);
      expect(row).not.toContain("malformed");
    }
  }, 180_000);

  it("says how many it captured, on standard error", () => {
    const r = spawnSync("sh", ["-c", `cat "${join(dir, "capture.err")}"`], { encoding: "utf8" });
    expect(r.stdout).toBe("8 packets captured\n");
  });
});
