/**
 * Property: SSH inputs beyond the terminal bytes (session.test.ts covers those) — exec requests
 * carrying any string (unknown nodes, newlines, control characters, unicode, 64 KB lines,
 * operators, control commands a student may not use) and logins with any user name — end with
 * an exit status or a clean refusal; the server keeps serving the next client, and a student
 * is never let through to instructor controls. A request longer than a command line, up to what
 * ssh2's 35,000-byte packets carry, gets "command too long" on a connection that goes on
 * serving; a longer one closes that connection only (ssh2's limit: server/ssh/packet-limit.ts).
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import ssh2 from "ssh2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSimLab, type SimLab } from "../../src/engines/sim/index.js";
import { SSH2_EXEC_COMMAND_MAX } from "../../src/server/ssh/packet-limit.js";
import { type SshServer, startSshServer } from "../../src/server/ssh/index.js";
import { LoginThrottle, UsersStore } from "../../src/server/users/index.js";
import { loadTopologyText } from "../../src/topology/index.js";
import { generateEd25519 } from "../../src/server/ssh/host-key.js";
import { systemWallClock } from "../../src/sim/index.js";

const RUNS = Number(process.env.RELIABILITY_RUNS ?? 20);
const dir = mkdtempSync(join(tmpdir(), "routelab-ssh-fuzz-"));
const key = generateEd25519();
let server: SshServer;
let lab: SimLab;
let client: ssh2.Client;

function connect(
  username: string,
  auth: { privateKey: string } | { password: string },
): Promise<ssh2.Client> {
  return new Promise((resolve, reject) => {
    const c = new ssh2.Client();
    c.on("ready", () => resolve(c));
    c.on("error", reject);
    c.connect({
      host: "127.0.0.1",
      port: server.port,
      username,
      ...auth,
      tryKeyboard: false,
      readyTimeout: 5000,
    });
  });
}

/** Runs one exec request; closes the channel after `maxMs` if still running. */
function exec(
  c: ssh2.Client,
  command: string,
  maxMs = 1500,
): Promise<{ code: number | undefined; out: string }> {
  return new Promise((resolve, reject) => {
    c.exec(command, (e, ch) => {
      if (e) return reject(e);
      let out = "";
      let code: number | undefined;
      const timer = setTimeout(() => ch.close(), maxMs);
      ch.on("data", (d: Buffer) => {
        out += d;
      });
      ch.stderr.on("data", (d: Buffer) => {
        out += d;
      });
      ch.on("exit", (x: number) => {
        code = x;
      });
      ch.on("close", () => {
        clearTimeout(timer);
        resolve({ code, out });
      });
    });
  });
}

beforeAll(async () => {
  lab = createSimLab(loadTopologyText("vm1 vm2 10.0.10.0/24\nvm2 vm3 10.0.20.0/24\n", "line.edges"), {
    wallClock: systemWallClock,
  });
  lab.pacer!.setSpeed(100);
  const users = UsersStore.load(join(dir, "routelab-users.yaml"));
  await users.add({ name: "alice", key: key.public });
  users.save();
  server = await startSshServer({
    lab,
    users,
    port: 0,
    hostKeyPath: join(dir, "host-key"),
    throttle: new LoginThrottle({ free: 1000, addressFree: 100_000 }),
    failDelayMs: 0,
  });
  client = await connect("alice", { privateKey: key.private });
});
afterAll(async () => {
  client?.end();
  await server?.close();
  lab?.pacer?.stop();
});

const PIECES = [
  "vm1",
  "vm3",
  "vm9",
  "VM1",
  "",
  " ",
  "ping",
  "-c",
  "1",
  "vm3",
  "traceroute",
  "netstat -rn",
  "link down vm1 vm2",
  "node down vm2",
  "clock",
  "route flush",
  "ifconfig epair0a down",
  "ping -f vm3",
  "ping -i 0.001 vm3",
  ";",
  "&",
  "|",
  "\n",
  "\r\n",
  "\u0000",
  "\u0003",
  "\u001b[6n",
  "'",
  '"',
  "\\",
  "🙂",
  "x".repeat(30_000),
];
// At most what one ssh2 packet carries (UTF-8 bytes: the pieces hold 4-byte characters): two
// 30,000-character pieces would close the shared connection, which the test after this one
// checks on a connection of its own.
const fitsOnePacket = (s: string) => new TextEncoder().encode(s).length <= SSH2_EXEC_COMMAND_MAX;
const command = fc
  .array(fc.constantFrom(...PIECES), { maxLength: 6 })
  .map((p) => p.join(" "))
  .filter(fitsOnePacket);

describe("ssh under hostile requests", () => {
  it("any exec request ends with an exit status; students never reach the controls", async () => {
    await fc.assert(
      fc.asyncProperty(command, async (cmd) => {
        const r = await exec(client, cmd);
        // Still running when we close it (a ping without -c, or `vm1` alone: a shell waiting
        // for input) is fine; anything that ended has a status.
        if (r.code !== undefined) expect(Number.isInteger(r.code) && r.code >= 0 && r.code <= 255).toBe(true);
        expect(r.out, JSON.stringify(cmd.slice(0, 80))).not.toMatch(/internal error/);
      }),
      { numRuns: RUNS },
    );
    // The student took nothing down, whatever it typed.
    expect(lab.links().every((l) => l.up)).toBe(true);
    expect(lab.nodes().every((n) => n.up)).toBe(true);
    const ok = await exec(client, "vm1 ping -c 1 vm3");
    expect(ok.code, ok.out).toBe(0);
  });

  it("an exec request longer than a command line is refused with a message; the connection goes on", async () => {
    for (const size of [4097, 30_000, SSH2_EXEC_COMMAND_MAX]) {
      const r = await exec(client, `vm1 ${"x".repeat(size)}`);
      expect(r).toEqual({
        code: 2,
        out: `routelab: command too long: ${size} characters (at most 4096); nothing was run\n`,
      });
      expect((await exec(client, "vm3 hostname")).out).toBe("vm3\n");
    }
  });

  it("an exec request larger than ssh2's 35,000-byte packets closes that connection only", async () => {
    const c = await connect("alice", { privateKey: key.private });
    const closed = new Promise<void>((resolve) => c.on("close", () => resolve()));
    c.on("error", () => {});
    c.exec(`vm1 ${"x".repeat(40_000)}`, () => {});
    await closed;
    expect((await exec(client, "vm3 hostname")).out).toBe("vm3\n");
  });

  it("any user name or password is refused cleanly and the server keeps serving", async () => {
    const name = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.constantFrom(
        "",
        "root",
        "alice\u0000",
        "ALICE",
        "a".repeat(5000),
        "../../etc/passwd",
        "\u001b[2J",
        "🙂",
      ),
    );
    await fc.assert(
      fc.asyncProperty(name, fc.string({ maxLength: 40 }), async (user, password) => {
        await expect(connect(user, { password })).rejects.toThrow();
      }),
      { numRuns: Math.max(5, RUNS / 2) },
    );
    const again = await connect("alice", { privateKey: key.private });
    expect((await exec(again, "vm2 hostname")).out).toBe("vm2\n");
    again.end();
  });
});
