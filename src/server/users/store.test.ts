import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ssh2 from "ssh2";
import { describe, expect, it } from "vitest";
import { LabError } from "../../core/errors.js";
import { parsePublicKeyLine } from "./keys.js";
import { PALETTE } from "../../core/palette.js";
import { UsersStore } from "./store.js";
import { generateEd25519 } from "../ssh/host-key.js";

function tmpFile(): string {
  return join(mkdtempSync(join(tmpdir(), "routelab-users-")), "routelab-users.yaml");
}
const key = () => generateEd25519("alice@laptop");

describe("UsersStore", () => {
  it("adds users with hashed passwords, distinct colours, and saves with mode 0600", async () => {
    const file = tmpFile();
    const s = UsersStore.load(file);
    expect(s.exists()).toBe(false);
    await s.add({ name: "alice", password: "correct horse" });
    await s.add({ name: "bob", role: "instructor", password: "battery staple" });
    s.save();
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const text = readFileSync(file, "utf8");
    expect(text).not.toContain("correct horse");
    expect(text).toMatch(/password: scrypt\$16384\$8\$1\$/);
    const again = UsersStore.load(file);
    expect(again.list().map((u) => [u.name, u.role])).toEqual([
      ["alice", "student"],
      ["bob", "instructor"],
    ]);
    expect(again.color("alice")).toBe(PALETTE[0]);
    expect(again.color("bob")).toBe(PALETTE[1]);
    expect(await again.verifyPassword("alice", "correct horse")).toBe(true);
    expect(await again.verifyPassword("alice", "correct horsE")).toBe(false);
    expect(await again.verifyPassword("bob", "correct horse")).toBe(false);
    expect(await again.verifyPassword("nobody", "correct horse")).toBe(false);
    expect(again.warnings()).toEqual([]);
  });

  it("keeps keys, matches offered blobs, and refuses other keys", async () => {
    const s = UsersStore.load(tmpFile());
    const k1 = key();
    const k2 = key();
    await s.add({ name: "alice", key: k1.public });
    const blob1 = parsePublicKeyLine(k1.public).blob;
    const blob2 = parsePublicKeyLine(k2.public).blob;
    expect(s.verifyKey("alice", blob1)).toBe(true);
    expect(s.verifyKey("alice", blob2)).toBe(false);
    expect(s.verifyKey("bob", blob1)).toBe(false);
    // adding to an existing user appends the key and keeps the colour
    const before = s.color("alice");
    const r = await s.add({ name: "alice", key: k2.public });
    expect(r.created).toBe(false);
    expect(s.verifyKey("alice", blob2)).toBe(true);
    expect(s.color("alice")).toBe(before);
    // the same key twice is stored once
    await s.add({ name: "alice", key: k2.public });
    expect(s.get("alice")!.keys).toBe(2);
    // the parsed key verifies a signature made with the private half
    const priv = ssh2.utils.parseKey(k1.private) as ssh2.ParsedKey;
    const sig = priv.sign(Buffer.from("hello"));
    expect(s.findKey("alice", blob1)!.verify(Buffer.from("hello"), sig)).toBe(true);
  });

  it("refuses bad names, roles, colours, keys and a taken colour", async () => {
    const s = UsersStore.load(tmpFile());
    await expect(s.add({ name: "Alice!" })).rejects.toThrow(/user name/);
    await expect(s.add({ name: "root" })).rejects.toThrow(/reserved/);
    // The user RIP's packets carry (core/routing-traffic.ts ROUTING_USERS).
    await expect(s.add({ name: "rip" })).rejects.toThrow(/'rip' is reserved/);
    await expect(s.add({ name: "a", role: "admin" as "student" })).rejects.toThrow(/role/);
    await expect(s.add({ name: "a", color: "mauve-ish" })).rejects.toThrow(/not a colour/);
    await expect(s.add({ name: "a", key: "ssh-dss AAAAB3NzaC1kc3M= x" })).rejects.toThrow(
      /unsupported key type/,
    );
    await expect(s.add({ name: "a", key: "ssh-ed25519 AAAAnotakey x" })).rejects.toThrow(LabError);
    await expect(s.add({ name: "a", key: key().private })).rejects.toThrow(LabError);
    await expect(s.add({ name: "a", password: "" })).rejects.toThrow(/too short/);
    await s.add({ name: "a", color: "#abc" });
    expect(s.color("a")).toBe("#AABBCC");
    await expect(s.add({ name: "b", color: "#AABBCC" })).rejects.toThrow(/already belongs to a/);
  });

  it("creates an instructor with a one-time password only when none exists", async () => {
    const file = tmpFile();
    const s = UsersStore.load(file);
    await s.add({ name: "instructor", role: "student" });
    const made = await s.createInstructorIfMissing();
    expect(made?.name).toBe("instructor2");
    expect(made?.password).toMatch(/^[a-z2-9]{4}(-[a-z2-9]{4}){3}$/);
    expect(await UsersStore.load(file).verifyPassword("instructor2", made!.password)).toBe(true);
    expect(await s.createInstructorIfMissing()).toBeUndefined();
    expect(readFileSync(file, "utf8")).not.toContain(made!.password);
  });

  it("reports bad files with line and field", () => {
    const file = tmpFile();
    writeFileSync(
      file,
      "users:\n  - name: alice\n    role: boss\n  - name: alice\n    password: hunter2\n  - name: carol\n    keys: [nope]\n",
    );
    let err: LabError | undefined;
    try {
      UsersStore.load(file);
    } catch (e) {
      err = e as LabError;
    }
    expect(err).toBeInstanceOf(LabError);
    const msg = err!.format();
    expect(msg).toContain(`${file}:3:11: users[0].role: must be instructor or student`);
    expect(msg).toContain(`${file}:4:11: users[1].name: duplicate user 'alice'`);
    expect(msg).toContain(`${file}:5:15: users[1].password: must be a scrypt hash`);
    expect(msg).toContain(`${file}:7:12: users[2].keys[0]:`);
    writeFileSync(file, "users: [\n");
    expect(() => UsersStore.load(file)).toThrow(LabError);
  });

  it("re-reads the file when another process changed it, and survives a bad edit", async () => {
    const file = tmpFile();
    const a = UsersStore.load(file);
    await a.add({ name: "alice", password: "password-one" });
    a.save();
    const b = UsersStore.load(file);
    await b.add({ name: "bob", password: "password-two" });
    b.save();
    a.refresh();
    expect(a.role("bob")).toBe("student");
    writeFileSync(file, "users: 3\n");
    a.refresh();
    expect(a.lastReloadError?.message).toMatch(/list of users/);
    expect(a.role("bob")).toBe("student");
  });

  it("assigns colours around explicit ones and warns about an open file", async () => {
    const file = tmpFile();
    writeFileSync(file, `users:\n  - name: a\n  - name: b\n    color: "${PALETTE[0]}"\n`, { mode: 0o644 });
    const s = UsersStore.load(file);
    expect(s.color("b")).toBe(PALETTE[0]);
    expect(s.color("a")).toBe(PALETTE[1]);
    expect(s.warnings()[0]).toMatch(/readable by others/);
  });
});
