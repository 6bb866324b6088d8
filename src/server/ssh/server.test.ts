import { mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ssh2 from "ssh2";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { FakeLab } from "../fake-lab.testkit.js";
import { LoginThrottle } from "../users/throttle.js";
import { UsersStore } from "../users/store.js";
import { loadOrCreateHostKey } from "./host-key.js";
import { SSH2_EXEC_COMMAND_MAX } from "./packet-limit.js";
import { type SshServer, startSshServer } from "./server.js";
import { generateEd25519 } from "./host-key.js";

const dir = mkdtempSync(join(tmpdir(), "routelab-ssh-"));
const aliceKey = generateEd25519();
const otherKey = generateEd25519();
let server: SshServer;
let lab: FakeLab;
let users: UsersStore;
const logs: string[] = [];

beforeAll(async () => {
  users = UsersStore.load(join(dir, "routelab-users.yaml"));
  await users.add({ name: "alice", password: "alice-pw", key: aliceKey.public });
  await users.add({ name: "carol", role: "instructor", password: "carol-pw" });
  await users.add({ name: "mallory", password: "mallory-pw" });
  users.save();
  lab = new FakeLab();
  server = await startSshServer({
    lab,
    users,
    port: 0,
    hostKeyPath: join(dir, "host-key"),
    throttle: new LoginThrottle({ free: 2, baseMs: 60_000 }),
    failDelayMs: 0,
    log: (l) => logs.push(l),
  });
});
afterAll(() => server.close());

type Auth = { password: string } | { privateKey: string };

function connect(username: string, auth: Auth): Promise<ssh2.Client> {
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

function exec(c: ssh2.Client, cmd: string): Promise<{ out: string; err: string; code: number | undefined }> {
  return new Promise((resolve, reject) => {
    c.exec(cmd, (e, ch) => {
      if (e) return reject(e);
      let out = "";
      let err = "";
      let code: number | undefined;
      ch.on("data", (d: Buffer) => {
        out += d;
      });
      ch.stderr.on("data", (d: Buffer) => {
        err += d;
      });
      ch.on("exit", (c: number) => {
        code = c;
      });
      ch.on("close", () => resolve({ out, err, code }));
    });
  });
}

describe("ssh server", () => {
  it("keeps its host key private and stable", () => {
    expect(statSync(join(dir, "host-key")).mode & 0o777).toBe(0o600);
    const again = loadOrCreateHostKey(join(dir, "host-key"));
    expect(again.created).toBe(false);
    expect(again.fingerprint).toBe(server.fingerprint);
    expect(server.fingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
  });

  it("logs in by key and runs one command on a node as that user, with its exit status", async () => {
    const c = await connect("alice", { privateKey: aliceKey.private });
    expect(await exec(c, "vm2 echo hello there")).toEqual({ out: "hello there\n", err: "", code: 0 });
    expect(lab.ran.at(-1)).toEqual({ node: "vm2", line: "echo hello there", user: "alice" });
    expect(await exec(c, "vm1 fail")).toMatchObject({ out: "it failed\n", code: 3 });
    expect(await exec(c, "10.0.3.1 echo by address")).toMatchObject({ out: "by address\n", code: 0 });
    const bad = await exec(c, "vm9 echo x");
    expect(bad).toMatchObject({ out: "", code: 1 });
    expect(bad.err).toBe("routelab: unknown node 'vm9' (nodes: vm1 vm2 vm3)\n");
    const refused = await exec(c, "vm1 link down vm1 vm2");
    expect(refused.code).toBe(77);
    expect(refused.out).toMatch(/only an instructor/);
    expect(lab.changes).toEqual([]);
    c.end();
  });

  it("logs in by password; an instructor may take a link down", async () => {
    const c = await connect("carol", { password: "carol-pw" });
    expect(await exec(c, "vm1 link down vm1 vm2")).toMatchObject({ out: "link vm1-vm2 down\n", code: 0 });
    expect(lab.changes).toEqual(["link vm1 vm2 down"]);
    c.end();
  });

  it("refuses a wrong password, a foreign key and unknown users, and throttles", async () => {
    await expect(connect("alice", { password: "nope" })).rejects.toThrow(/authentication methods failed/);
    await expect(connect("alice", { privateKey: otherKey.private })).rejects.toThrow(
      /authentication methods failed/,
    );
    await expect(connect("nobody", { password: "x" })).rejects.toThrow(/authentication methods failed/);
    // mallory: two free failures, then even the right password is refused for a while
    await expect(connect("mallory", { password: "a" })).rejects.toThrow();
    await expect(connect("mallory", { password: "b" })).rejects.toThrow();
    await expect(connect("mallory", { password: "c" })).rejects.toThrow();
    await expect(connect("mallory", { password: "mallory-pw" })).rejects.toThrow();
    expect(logs.some((l) => /"mallory" throttled/.test(l))).toBe(true);
    expect(logs.join("\n")).not.toMatch(/mallory-pw|nope/);
  });

  it("refuses a login whose check fails inside the server, and logs why", async () => {
    const verify = vi.spyOn(users, "verifyPassword").mockRejectedValue(new TypeError("scrypt broke"));
    try {
      await expect(connect("carol", { password: "carol-pw" })).rejects.toThrow(
        /authentication methods failed/,
      );
    } finally {
      verify.mockRestore();
    }
    expect(logs).toContainEqual(expect.stringMatching(/internal error authenticating "carol": scrypt broke/));
  });

  it("gives an interactive shell with a prompt, editing, Ctrl-C and exit", async () => {
    const c = await connect("alice", { password: "alice-pw" });
    const { text, send, code } = await shell(c);
    await until(() => text().includes("alice@vm1$ "), 3000, text);
    expect(text()).toContain("logged in as alice (student) on vm1");
    send("ping vm3\r");
    await until(() => text().includes("icmp_seq=1"), 3000, text);
    send("\x03");
    await until(() => /--- vm3 ping statistics ---[\s\S]*alice@vm1\$ $/.test(text()), 3000, text);
    expect(text()).toContain("^C\r\n");
    send("ssh vm2\r");
    await until(() => text().endsWith("alice@vm2$ "), 3000, text);
    send("echo ok\r");
    await until(() => /ok\r\n(\r\x1b\[J)?alice@vm2\$ $/.test(text()), 3000, text);
    expect(lab.ran.at(-1)).toMatchObject({ node: "vm2", user: "alice" });
    send("exit\r");
    await until(() => text().endsWith("alice@vm1$ "), 3000, text);
    send("exit 4\r");
    expect(await code).toBe(4);
    c.end();
  });

  it("follows window-change: a line longer than the new width is redrawn across rows", async () => {
    const c = await connect("alice", { password: "alice-pw" });
    const { text, send, resize } = await shell(c);
    await until(() => text().includes("alice@vm1$ "), 3000, text);
    resize(24, 20);
    await new Promise((r) => setTimeout(r, 100));
    send("echo 0123456789abcdefghij"); // 11 + 25 columns: two rows at width 20
    await until(() => text().includes("hij"), 3000, text);
    const mark = text().length;
    send("\x01X"); // to the start and insert: redraw from the prompt's row, one row up
    await until(
      () => text().length > mark && text().slice(mark).includes("\x1b[1A"),
      3000,
      () => text().slice(mark),
    );
    c.end();
  });

  it("runs piped lines without a terminal", async () => {
    const c = await connect("alice", { password: "alice-pw" });
    const r = await new Promise<{ out: string; code: number | undefined }>((resolve, reject) => {
      c.shell(false, (e, ch) => {
        if (e) return reject(e);
        let out = "";
        let code: number | undefined;
        ch.on("data", (d: Buffer) => {
          out += d;
        });
        ch.on("exit", (x: number) => {
          code = x;
        });
        ch.on("close", () => resolve({ out, code }));
        ch.end("echo one\necho two\nfail\n");
      });
    });
    expect(r).toEqual({ out: "one\ntwo\nit failed\n", code: 3 });
    c.end();
  });

  it("refuses port forwarding", async () => {
    const c = await connect("alice", { password: "alice-pw" });
    await expect(
      new Promise((resolve, reject) =>
        c.forwardOut("127.0.0.1", 1, "127.0.0.1", server.port, (e, s) => (e ? reject(e) : resolve(s))),
      ),
    ).rejects.toThrow();
    c.end();
  });
});

function shell(c: ssh2.Client) {
  return new Promise<{
    text: () => string;
    send: (s: string) => void;
    code: Promise<number>;
    resize: (rows: number, cols: number) => void;
  }>((resolve, reject) => {
    c.shell({ term: "xterm", cols: 80, rows: 24 }, (e, ch) => {
      if (e) return reject(e);
      let buf = "";
      ch.on("data", (d: Buffer) => {
        buf += d;
      });
      const code = new Promise<number>((r) => ch.on("exit", (x: number) => r(x)));
      resolve({
        text: () => buf,
        send: (s) => ch.write(s),
        code,
        resize: (r, cl) => ch.setWindow(r, cl, 0, 0),
      });
    });
  });
}

async function until(cond: () => boolean, ms = 3000, show?: () => string): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting${show ? `: ${JSON.stringify(show())}` : ""}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe("ssh server under abuse", () => {
  it("survives clients that hang up mid-command, odd commands and odd user names", async () => {
    const c = await connect("alice", { password: "alice-pw" });
    await new Promise<void>((resolve, reject) =>
      c.exec("vm1 ping vm2", (e, ch) => {
        if (e) return reject(e);
        ch.once("data", () => {
          // hang up while ping runs: the server interrupts it and must not write to the dead channel
          c.end();
          resolve();
        });
      }),
    );
    await until(() => lab.running === 0, 3000);
    const d = await connect("alice", { privateKey: aliceKey.private });
    const odd = await exec(d, `vm1 ${"\x00\x1b[2J\u202e".repeat(600)}`);
    expect(odd.code).toBe(127);
    const big = await exec(d, `vm1 echo ${"a".repeat(4000)}`);
    expect(big.code).toBe(0);
    expect(await exec(d, "   ")).toMatchObject({ code: 2 });
    // a command longer than the API and the shell take is refused, up to the longest command
    // ssh2's 35,000-byte packets carry; the connection goes on
    for (const n of [4097, SSH2_EXEC_COMMAND_MAX])
      expect(await exec(d, `vm1 echo ${"a".repeat(n - 5)}`)).toEqual({
        out: "",
        err: `routelab: command too long: ${n} characters (at most 4096); nothing was run\n`,
        code: 2,
      });
    // a longer one makes ssh2 close the connection (it never reaches the server), logged with why …
    await expect(exec(d, `vm1 echo ${"a".repeat(40_000)}`)).rejects.toThrow();
    await until(
      () =>
        logs.some((l) =>
          /alice sent a packet of \d+ bytes, longer than the 35000 the SSH library takes/.test(l),
        ),
      3000,
    );
    // … and the server carries on
    const e = await connect("alice", { privateKey: aliceKey.private });
    expect(await exec(e, "vm3 echo still here")).toMatchObject({ out: "still here\n", code: 0 });
    e.end();
    await expect(connect("\u0000../../etc/passwd", { password: "x" })).rejects.toThrow();
    await expect(connect("a".repeat(10_000), { password: "x" })).rejects.toThrow();
    expect(server.connections()).toBeLessThanOrEqual(2);
  });
});

describe("errors the server does not stop for are noted, not swallowed", () => {
  it("a client whose first packet is malformed: debug, with its address and what went wrong", async () => {
    const lines: { fields: Record<string, unknown>; message: string }[] = [];
    const keep = (fields: object, message: string) =>
      lines.push({ fields: fields as Record<string, unknown>, message });
    const quiet = await startSshServer({
      lab: new FakeLab(),
      users,
      port: 0,
      hostKeyPath: join(dir, "host-key-quiet"),
      log: { info: keep, warn: keep, error: keep, debug: keep },
    });
    const { createConnection } = await import("node:net");
    // A greeting, then a 12-byte packet claiming 32 bytes of padding (RFC 4253 section 6).
    const bad = Buffer.concat([
      Buffer.from("SSH-2.0-bad\r\n"),
      Buffer.from([0, 0, 0, 12, 32, ...Array(11).fill(0)]),
    ]);
    const socket = createConnection(quiet.port, "127.0.0.1", () => socket.write(bad));
    socket.on("error", () => {});
    try {
      await vi.waitFor(() => expect(lines.some((l) => l.fields.event === "connection-error")).toBe(true));
      const noted = lines.find((l) => l.fields.event === "connection-error")!;
      expect(noted.message).toMatch(/^ssh: 127\.0\.0\.1: connection error: \S/);
      expect(noted.fields.err).toBeInstanceOf(Error);
    } finally {
      socket.destroy();
      await quiet.close();
    }
  });
});
