/**
 * A class keeps its accounts and its host key across lessons (issue 16), with the real OpenSSH
 * client and strict host key checking: `routelab up` on the seed with a state directory, the
 * instructor logs in with the printed password (the host key is learnt, accept-new), adds
 * alice with `routelab users add`; then `up` on another topology (the static-routes lesson)
 * with the same state directory and SSH port: no new instructor is made, both accounts log in,
 * and `StrictHostKeyChecking=yes` accepts the server (the same key). Under CI a missing OpenSSH
 * client fails.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { askpassEnv, haveOpenSsh, runSsh } from "./openssh.js";
import { startUp, type UpProcess } from "./up-process.js";

const ROOT = join(import.meta.dirname, "..", "..");
const BIN = join(ROOT, "bin", "routelab.js");
const dir = mkdtempSync(join(tmpdir(), "routelab-class-state-"));
const STATE = join(dir, "state");
const KNOWN = join(dir, "known_hosts");
let running: UpProcess | undefined;

afterAll(async () => {
  await running?.stop();
});

/** A free TCP port on 127.0.0.1 (the restart must keep the port: known_hosts names [host]:port). */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** `ssh -p PORT USER@127.0.0.1 NODE hostname` with a password (SSH_ASKPASS) and this test's known_hosts. */
function sshHostname(
  port: number,
  user: string,
  password: string,
  node: string,
  strict: "yes" | "accept-new",
): Promise<{ out: string; err: string; code: number | null }> {
  const args = [
    "-F",
    "/dev/null",
    "-o",
    `StrictHostKeyChecking=${strict}`,
    "-o",
    `UserKnownHostsFile=${KNOWN}`,
    "-o",
    "LogLevel=ERROR",
    "-o",
    "IdentityAgent=none",
    "-o",
    "PubkeyAuthentication=no",
    "-o",
    "PreferredAuthentications=password",
    "-o",
    "NumberOfPasswordPrompts=1",
    "-p",
    String(port),
    `${user}@127.0.0.1`,
    node,
    "hostname",
  ];
  return runSsh(args, askpassEnv(dir, user, password));
}

const up = (topology: string, sshPort: number) =>
  startUp(
    process.execPath,
    [BIN, "up", topology, "--http", "0", "--ssh", String(sshPort), "--state", STATE],
    {
      cwd: dir,
      env: process.env,
    },
  );

describe.runIf(haveOpenSsh())("a class's state across lessons", () => {
  it("keeps every account and the host key when the next lesson runs another topology", async () => {
    const port = await freePort();
    running = await up(join(ROOT, "examples", "seed.yaml"), port);
    const password = running.password!;
    expect(password).toMatch(/^\S+$/);
    expect(running.banner).toContain(`  ssh logins: ssh -p ${port} instructor@127.0.0.1 (host key SHA256:`);
    expect(running.banner).toContain(`users: ${join(STATE, "users.yaml")} (1 user;`);
    const first = await sshHostname(port, "instructor", password, "vm1", "accept-new");
    expect(first).toMatchObject({ out: "vm1\n", code: 0 });
    // routelab users add alice, as the banner says (the state directory named as at up).
    execFileSync(process.execPath, [BIN, "users", "add", "alice", "--password", "--state", STATE], {
      input: "alice-pw\n",
    });
    expect(await running.stop()).toBe(0);
    running = undefined;
    const key = readFileSync(join(STATE, "ssh_host_ed25519_key"), "utf8");

    running = await up(join(ROOT, "examples", "lessons", "static-routes.yaml"), port);
    expect(running.banner).toMatch(/^routelab: static-routes: /);
    expect(running.banner).not.toContain("first login");
    expect(running.banner).toContain("(2 users;");
    // Strict checking: the known_hosts entry learnt on the seed still matches.
    expect(await sshHostname(port, "instructor", password, "r1", "yes")).toMatchObject({
      out: "r1\n",
      code: 0,
    });
    expect(await sshHostname(port, "alice", "alice-pw", "pc1", "yes")).toMatchObject({
      out: "pc1\n",
      code: 0,
    });
    expect(readFileSync(join(STATE, "ssh_host_ed25519_key"), "utf8")).toBe(key);
    expect(await running.stop()).toBe(0);
    running = undefined;
  }, 180_000);
});
