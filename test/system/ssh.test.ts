/**
 * The SSH server against the real OpenSSH client (Debian's `ssh` and `ssh-keygen`), on the
 * seed network simulated and paced in real time (sped up): key login and exec (traceroute vm6
 * from vm1 prints the path), an interactive session through a pseudo-terminal (`ssh -tt`:
 * prompt, a command, Ctrl-C stopping a ping, exit), a wrong password refused, a student
 * refused `link down` while an instructor may, a command longer than a command line answered
 * with an error on a connection that goes on (multiplexed: `ssh -M`, then two commands over it),
 * one longer than ssh2's 35,000-byte packets closing only its connection, with the reason in the
 * server's log, and a user removed from the users file while logged in: their shell and their
 * running command end with a message and exit status 77. Under CI a missing OpenSSH client fails.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadTopologyFile } from "../../src/cli/io.js";
import { createSimLab, type SimLab } from "../../src/engines/sim/index.js";
import { type SshServer, startSshServer } from "../../src/server/ssh/index.js";
import { UsersStore } from "../../src/server/users/index.js";
import { askpassEnv, haveOpenSsh, KEYGEN, runSsh, SSH } from "./openssh.js";
import { systemWallClock } from "../../src/sim/index.js";

const ROOT = join(import.meta.dirname, "..", "..");
const enabled = haveOpenSsh([SSH, KEYGEN]);
const dir = mkdtempSync(join(tmpdir(), "routelab-ssh-sys-"));
const KEY = join(dir, "id_ed25519");
let lab: SimLab;
let server: SshServer;
const logLines: string[] = [];

/** Common client options: no host key prompts, no agent, nothing from ~/.ssh. */
function base(user: string): string[] {
  return [
    "-F",
    "/dev/null",
    "-o",
    "StrictHostKeyChecking=no",
    "-o",
    "UserKnownHostsFile=/dev/null",
    "-o",
    "LogLevel=ERROR",
    "-o",
    "IdentityAgent=none",
    "-p",
    String(server.port),
    `${user}@127.0.0.1`,
  ];
}
const withKey = (user: string) => [
  "-o",
  "BatchMode=yes",
  "-o",
  "IdentitiesOnly=yes",
  "-i",
  KEY,
  ...base(user),
];

/** Password login: the password comes from an SSH_ASKPASS script (OpenSSH 8.4+). */
function withPassword(user: string, password: string): { args: string[]; env: NodeJS.ProcessEnv } {
  return {
    args: [
      "-o",
      "BatchMode=no",
      "-o",
      "PubkeyAuthentication=no",
      "-o",
      "PreferredAuthentications=password",
      "-o",
      "NumberOfPasswordPrompts=1",
      ...base(user),
    ],
    env: askpassEnv(dir, user, password),
  };
}

const run = runSsh;

async function until(cond: () => boolean, what: () => string, ms = 45_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out; output so far: ${JSON.stringify(what())}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe.runIf(enabled)("ssh with the OpenSSH client", () => {
  beforeAll(async () => {
    execFileSync(KEYGEN, ["-q", "-t", "ed25519", "-N", "", "-C", "alice@test", "-f", KEY]);
    const users = UsersStore.load(join(dir, "routelab-users.yaml"));
    await users.add({ name: "alice", password: "alice-pw", key: readFileSync(`${KEY}.pub`, "utf8") });
    await users.add({ name: "carol", role: "instructor", password: "carol-pw" });
    await users.add({ name: "dave", password: "dave-pw-12" });
    users.save();
    lab = createSimLab(loadTopologyFile(join(ROOT, "examples", "seed.yaml")), {
      seed: 1,
      wallClock: systemWallClock,
    });
    // Converge RIP quickly, then run at 10x: a ping a tenth of a second apart.
    lab.pacer!.setSpeed(200);
    await until(
      () =>
        lab.routes("vm1").some((r) => r.dest === "10.0.60.0/24") &&
        lab.routes("vm6").some((r) => r.dest === "10.0.10.0/24"),
      () => JSON.stringify(lab.routes("vm1").map((r) => r.dest)),
    );
    lab.pacer!.setSpeed(10);
    server = await startSshServer({
      lab,
      users,
      port: 0,
      hostKeyPath: join(dir, "host-key"),
      failDelayMs: 0,
      log: (l) => logLines.push(l),
      loginCheckMs: 100,
    });
  });
  afterAll(async () => {
    await server?.close();
    lab?.pacer?.stop?.();
    await lab?.close();
  });

  it("logs in with a key and runs traceroute vm6 on vm1, printing the path", async () => {
    const r = await run([...withKey("alice"), "vm1", "traceroute", "vm6"]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    const lines = r.out.trimEnd().split("\n");
    expect(lines[0]).toBe("traceroute to vm6 (10.0.60.2), 64 hops max, 40 byte packets");
    expect(lines[1]).toMatch(
      /^ 1 {2}vm2 \(10\.0\.10\.2\) {2}\d+\.\d{3} ms {2}\d+\.\d{3} ms {2}\d+\.\d{3} ms$/,
    );
    expect(lines[2]).toMatch(/^ 2 {2}vm6 \(10\.0\.60\.2\) /);
    expect(lines).toHaveLength(3);
  });

  it("passes the command's exit status and refuses unknown nodes", async () => {
    const bad = await run([...withKey("alice"), "vm1", "ping", "-c", "1", "nosuchhost"]);
    expect(bad.code).toBe(68); // EX_NOHOST, as FreeBSD ping
    const unknown = await run([...withKey("alice"), "vm42", "hostname"]);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain("unknown node 'vm42'");
  });

  it("answers a command longer than a command line with an error; the connection runs the next one", async () => {
    const mux = ["-o", `ControlPath=${join(dir, "mux")}`];
    const logins = () => logLines.filter((l) => / alice logged in /.test(l)).length;
    const before = logins();
    // One connection (the master); each `ssh` below is a session over it.
    const master = spawn(SSH, ["-M", "-N", ...mux, ...withKey("alice")], { stdio: "ignore" });
    try {
      await until(
        () => existsSync(join(dir, "mux")),
        () => logLines.join("\n"),
      );
      const long = await run([...mux, ...withKey("alice"), "vm1", "ping", "x".repeat(30_000)]);
      expect(long).toEqual({
        out: "",
        err: "routelab: command too long: 30005 characters (at most 4096); nothing was run\n",
        code: 2,
      });
      expect(await run([...mux, ...withKey("alice"), "vm1", "hostname"])).toEqual({
        out: "vm1\n",
        err: "",
        code: 0,
      });
      expect(logins() - before).toBe(1);
    } finally {
      master.kill();
    }
  });

  it("a command longer than ssh2's packets closes its connection only, and the server's log says why", async () => {
    const huge = await run([...withKey("alice"), "vm1", "ping", "x".repeat(40_000)]);
    expect(huge.code).toBe(255); // ssh's status when the connection is lost
    expect(huge.out).toBe("");
    await until(
      () =>
        logLines.some((l) =>
          /alice sent a packet (of \d+ bytes, )?longer than the 35000 the SSH library takes/.test(l),
        ),
      () => logLines.join("\n"),
      5000,
    );
    expect(await run([...withKey("alice"), "vm1", "hostname"])).toMatchObject({ out: "vm1\n", code: 0 });
  });

  it("drives an interactive session through a pseudo-terminal: prompt, ping, Ctrl-C, exit", async () => {
    const p: ChildProcess = spawn(SSH, ["-tt", ...withKey("alice")], { stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    p.stdout!.on("data", (d) => {
      out += d;
    });
    const code = new Promise<number | null>((r) => p.on("close", r));
    await until(
      () => out.includes("alice@vm1$ "),
      () => out,
    );
    p.stdin!.write("ping vm5\r");
    await until(
      () => (out.match(/64 bytes from 10\.0\.50\.2: icmp_seq=\d+/g) ?? []).length >= 2,
      () => out,
    );
    p.stdin!.write("\x03");
    await until(
      () => /--- vm5 ping statistics ---\r\n\d+ packets transmitted, \d+ packets received/.test(out),
      () => out,
    );
    await until(
      () => /alice@vm1\$ $/.test(out),
      () => out,
    );
    p.stdin!.write("hostname\r");
    await until(
      () => /\r\nvm1\r\n/.test(out),
      () => out,
    );
    p.stdin!.write("exit\r");
    expect(await code).toBe(0);
    expect(out).toContain("^C");
  });

  it("refuses a wrong password and accepts the right one", async () => {
    const wrong = withPassword("alice", "not-her-password");
    const r = await run([...wrong.args, "vm1", "hostname"], wrong.env);
    expect(r.code).toBe(255);
    expect(r.err).toMatch(/Permission denied/);
    const right = withPassword("alice", "alice-pw");
    const ok = await run([...right.args, "vm1", "hostname"], right.env);
    expect(ok).toMatchObject({ out: "vm1\n", code: 0 });
  });

  it("refuses a student's link down (exec and shell); an instructor's goes through", async () => {
    const linkUp = () => lab.links().find((l) => l.a.node === "vm1" && l.b.node === "vm2")!.up;
    const r = await run([...withKey("alice"), "vm1", "link", "down", "vm1", "vm2"]);
    expect(r.code).toBe(77);
    expect(r.out).toMatch(/^link: permission denied: only an instructor/);
    expect(linkUp()).toBe(true);

    const p = spawn(SSH, ["-tt", ...withKey("alice")], { stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    p.stdout.on("data", (d) => {
      out += d;
    });
    const code = new Promise<number | null>((res) => p.on("close", res));
    await until(
      () => out.includes("alice@vm1$ "),
      () => out,
    );
    p.stdin.write("link down vm1 vm2\r");
    await until(
      () => out.includes("only an instructor"),
      () => out,
    );
    p.stdin.write("exit\r");
    expect(await code).toBe(77); // exit passes on the last status
    expect(linkUp()).toBe(true);

    const carol = withPassword("carol", "carol-pw");
    const down = await run([...carol.args, "vm1", "link", "down", "vm1", "vm2"], carol.env);
    expect(down).toMatchObject({ out: "link vm1-vm2 down\n", code: 0 });
    expect(linkUp()).toBe(false);
    const up = await run([...carol.args, "vm1", "link", "up", "vm1", "vm2"], carol.env);
    expect(up.code).toBe(0);
    expect(linkUp()).toBe(true);
  });
  it("ends a removed user's shell and running command, each with a message and status 77", async () => {
    const dave = withPassword("dave", "dave-pw-12");
    const shell = spawn(SSH, ["-tt", ...dave.args], { env: dave.env, stdio: ["pipe", "pipe", "pipe"] });
    const ping = spawn(SSH, [...dave.args, "vm1", "ping", "vm5"], {
      env: dave.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const seen = { shell: "", shellErr: "", ping: "", pingErr: "" };
    shell.stdout.on("data", (d) => (seen.shell += d));
    shell.stderr.on("data", (d) => (seen.shellErr += d));
    ping.stdout.on("data", (d) => (seen.ping += d));
    ping.stderr.on("data", (d) => (seen.pingErr += d));
    const codes = Promise.all([shell, ping].map((p) => new Promise<number | null>((r) => p.on("close", r))));
    await until(
      () => seen.shell.includes("dave@vm1$ ") && /icmp_seq=1 /.test(seen.ping),
      () => JSON.stringify(seen),
    );
    // `routelab users remove dave` in another terminal: it rewrites the file.
    const other = UsersStore.load(join(dir, "routelab-users.yaml"));
    expect(other.remove("dave")).toBe(true);
    other.save();
    expect(await codes).toEqual([77, 77]);
    expect(seen.shellErr).toBe("\r\nroutelab: dave's account was removed; logged out.\r\n");
    expect(seen.pingErr).toBe("routelab: dave's account was removed; logged out.\n");
    expect(logLines.filter((l) => / dave was removed from the users file/.test(l))).toHaveLength(2);
    // Nobody else is touched: alice still logs in and runs commands.
    expect(await run([...withKey("alice"), "vm1", "hostname"])).toEqual({ out: "vm1\n", err: "", code: 0 });
  });
});
