/**
 * Security checks that are cheap to run on every commit (issue 8, "Security"):
 * - the page and the API carry a strict Content-Security-Policy (no inline or eval'd script);
 * - the static server serves only the built app: traversal, encoded dots, NUL bytes, dotfiles
 *   and absolute paths are refused with a JSON 403/404 and never leak a byte from outside;
 * - the users file is rewritten private (0600) even when someone opened it up, and a warning
 *   says so while it is open;
 * - SSH: passwords (right or wrong) never reach the log, and user names cannot forge log lines
 *   (control characters and newlines are neutralised).
 * Roles, session expiry and login throttling have their own tests beside the code; see
 * docs/reliability.md for the list.
 */
import { chmodSync, mkdirSync, mkdtempSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ssh2 from "ssh2";
import { afterAll, describe, expect, it } from "vitest";
import { createSimLab } from "../../src/engines/sim/index.js";
import { buildApp } from "../../src/server/http/index.js";
import { CONTENT_SECURITY_POLICY } from "../../src/server/http/server.js";
import { startSshServer } from "../../src/server/ssh/index.js";
import { LoginThrottle, UsersStore } from "../../src/server/users/index.js";
import { loadTopologyText } from "../../src/topology/index.js";

const LAB = () => createSimLab(loadTopologyText("vm1 vm2 10.0.10.0/24\n", "two.edges"));

describe("static files and headers", () => {
  const dir = mkdtempSync(join(tmpdir(), "routelab-static-"));
  writeFileSync(join(dir, "secret.txt"), "OUTSIDE-SECRET");
  mkdirSync(join(dir, "dist", "assets"), { recursive: true });
  writeFileSync(join(dir, "dist", "index.html"), "<!doctype html><title>routelab</title>");
  writeFileSync(join(dir, "dist", ".env"), "DOTFILE-SECRET");
  writeFileSync(join(dir, "dist", "assets", "app.js"), "console.log(1)");

  it("serves the app with a strict Content-Security-Policy on every answer", async () => {
    const { app } = await buildApp({ lab: LAB(), webRoot: join(dir, "dist") });
    for (const url of ["/", "/index.html", "/assets/app.js", "/api/topology", "/api/nothing"]) {
      const r = await app.inject({ method: "GET", url });
      const csp = String(r.headers["content-security-policy"]);
      expect(csp, url).toBe(CONTENT_SECURITY_POLICY);
      expect(r.headers["x-content-type-options"], url).toBe("nosniff");
    }
    expect(CONTENT_SECURITY_POLICY).toMatch(/default-src 'none'/);
    expect(CONTENT_SECURITY_POLICY).toMatch(/script-src 'self';/);
    expect(CONTENT_SECURITY_POLICY).toMatch(/frame-ancestors 'none'/);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
    await app.close();
  });

  it("never serves a byte from outside web/dist, nor a dotfile", async () => {
    const { app } = await buildApp({ lab: LAB(), webRoot: join(dir, "dist") });
    const attempts = [
      "/../secret.txt",
      "/%2e%2e/secret.txt",
      "/%2E%2E/secret.txt",
      "/..%2fsecret.txt",
      "/..%2Fsecret.txt",
      "/..%5csecret.txt",
      "/..\\secret.txt",
      "/assets/../../secret.txt",
      "/assets/%2e%2e/%2e%2e/secret.txt",
      "/assets/..%2f..%2fsecret.txt",
      "/%c0%ae%c0%ae/secret.txt",
      "/.env",
      "/%2eenv",
      "/assets/../.env",
      "/%00",
      "/assets/app.js%00.html",
      "//etc/passwd",
      `/${join(dir, "secret.txt")}`,
      "/....//secret.txt",
    ];
    for (const url of attempts) {
      const r = await app.inject({ method: "GET", url });
      expect([400, 403, 404], `${url} → ${r.statusCode}`).toContain(r.statusCode);
      expect(r.body, url).not.toMatch(/SECRET|root:/);
      expect(r.json().error, url).toBeTypeOf("string");
    }
    await app.close();
  });
});

describe("users file permissions", () => {
  it("rewrites an opened-up users file as 0600 and warns while it is open", async () => {
    const dir = mkdtempSync(join(tmpdir(), "routelab-perm-"));
    const file = join(dir, "routelab-users.yaml");
    const users = UsersStore.load(file);
    await users.add({ name: "alice", password: "alice-password-1" });
    users.save();
    expect(statSync(file).mode & 0o777).toBe(0o600);
    chmodSync(file, 0o644);
    const again = UsersStore.load(file);
    expect(again.warnings().join("\n")).toMatch(/readable by others.*chmod 600/);
    await again.add({ name: "bob", password: "bob-password-1" });
    again.save();
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(UsersStore.load(file).warnings()).toEqual([]);
  });
});

describe("ssh: secrets and log lines", () => {
  const dir = mkdtempSync(join(tmpdir(), "routelab-sec-ssh-"));
  const logs: string[] = [];
  let close: (() => Promise<void>) | undefined;
  afterAll(async () => {
    await close?.();
  });

  const attempt = (port: number, username: string, password: string): Promise<boolean> =>
    new Promise((resolve) => {
      const c = new ssh2.Client();
      c.on("ready", () => {
        c.end();
        resolve(true);
      });
      c.on("error", () => resolve(false));
      c.connect({ host: "127.0.0.1", port, username, password, tryKeyboard: false, readyTimeout: 5000 });
    });

  it("never logs a password, right or wrong, and neutralises control characters in user names", async () => {
    const users = UsersStore.load(join(dir, "routelab-users.yaml"));
    await users.add({ name: "alice", password: "Right-Horse-Battery-42" });
    users.save();
    const server = await startSshServer({
      lab: LAB(),
      users,
      port: 0,
      hostKeyPath: join(dir, "host-key"),
      throttle: new LoginThrottle({ free: 2, baseMs: 60_000 }),
      failDelayMs: 0,
      log: (l) => logs.push(l),
    });
    close = () => server.close();
    expect(statSync(join(dir, "host-key")).mode & 0o777).toBe(0o600);
    expect(await attempt(server.port, "alice", "Wrong-Secret-Guess-1")).toBe(false);
    expect(await attempt(server.port, "alice", "Right-Horse-Battery-42")).toBe(true);
    // A password typed into the user name field is logged as a name: sshd does the same.
    expect(await attempt(server.port, "evil\u001b[2J\nssh: alice logged in (password)", "x")).toBe(false);
    expect(await attempt(server.port, "alice", "Wrong-Secret-Guess-2")).toBe(false);
    expect(await attempt(server.port, "alice", "Wrong-Secret-Guess-3")).toBe(false);
    expect(await attempt(server.port, "alice", "Wrong-Secret-Guess-4")).toBe(false);
    // Three failures in a row with two free: throttled, even the right password waits.
    expect(await attempt(server.port, "alice", "Right-Horse-Battery-42")).toBe(false);
    const all = logs.join("\n");
    expect(all).toMatch(/failed password for "alice"/);
    expect(all).not.toMatch(/Wrong-Secret|Right-Horse/);
    for (const l of logs) expect(l, JSON.stringify(l)).not.toMatch(/[\u0000-\u001f\u007f]/);
    // The forged name stays inside its quotes, on its own line: one real login line only.
    expect(logs.filter((l) => /^ssh: [\d.]+: alice logged in/.test(l))).toHaveLength(1);
  });
});
