import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { Command } from "commander";
import { describe, expect, it } from "vitest";
import { UsersStore } from "../server/users/store.js";
import { readPassword, registerUsersCommands, usersAdd, usersList, usersRemove } from "./users.js";
import { generateEd25519 } from "../server/ssh/host-key.js";

const tmp = () => mkdtempSync(join(tmpdir(), "routelab-cli-users-"));

describe("routelab users", () => {
  it("adds, lists and removes users; a user with no login method gets a one-time password", async () => {
    const d = tmp();
    const file = join(d, "u.yaml");
    const pub = join(d, "id.pub");
    writeFileSync(pub, `# my key\n${generateEd25519("bob@pc").public}\n`);
    const a = await usersAdd(file, "alice", {});
    expect(a).toMatch(/^added student alice, colour #E69F00, password set, 0 keys/);
    const pw = /one-time password for alice: (\S+)/.exec(a)![1]!;
    expect(await UsersStore.load(file).verifyPassword("alice", pw)).toBe(true);
    const b = await usersAdd(file, "bob", { key: pub, role: "instructor", color: "#ffffff" });
    expect(b).toMatch(/added instructor bob, colour #FFFFFF, no password, 1 key/);
    expect(b).toMatch(/key SHA256:/);
    expect(b).not.toMatch(/one-time/);
    expect(await usersAdd(file, "bob", { password: "s3cret-horse" })).toMatch(
      /^updated instructor bob.*password set, 1 key/,
    );
    expect(usersList(file)).toBe(
      "NAME   ROLE        COLOUR   LOGIN\n" +
        "alice  student     #E69F00  password\n" +
        "bob    instructor  #FFFFFF  password, 1 key\n",
    );
    expect(usersRemove(file, "alice")).toMatch(/removed alice/);
    expect(() => usersRemove(file, "alice")).toThrow(/no user 'alice'/);
    expect(readFileSync(file, "utf8")).not.toContain("s3cret-horse");
    writeFileSync(pub, "ssh-ed25519 garbage\n");
    await expect(usersAdd(file, "carol", { key: pub })).rejects.toThrow(/bad ssh-ed25519 key/);
  });

  it("wires into commander and reads --password from a pipe or a terminal without echo", async () => {
    const d = join(tmp(), "state");
    const file = join(d, "users.yaml"); // the state directory's users file, made by the first add
    let out = "";
    const run = async (
      argv: string[],
      input: PassThrough & { isTTY?: boolean; setRawMode?: (b: boolean) => void },
    ) => {
      const echo = new PassThrough();
      let shown = "";
      echo.on("data", (x) => {
        shown += x;
      });
      const p = new Command("routelab").exitOverride();
      registerUsersCommands(p, { out: (s) => (out += s), password: { input, output: echo } });
      await p.parseAsync(["node", "routelab", ...argv, "--state", d]);
      return shown;
    };
    const pipe = new PassThrough();
    pipe.end("piped-pw\nignored\n");
    await run(["users", "add", "alice", "--password"], pipe);
    expect(await UsersStore.load(file).verifyPassword("alice", "piped-pw")).toBe(true);

    const tty = Object.assign(new PassThrough(), { isTTY: true, setRawMode: (_b: boolean) => {} });
    const typed = run(["users", "add", "bob", "--password", "--role", "instructor"], tty);
    setTimeout(() => tty.write("hun\x7fnter22\r"), 20);
    setTimeout(() => tty.write("hunter22\r"), 60);
    const shown = await typed;
    expect(shown).toBe("Password for bob: \nRetype password: \n");
    expect(await UsersStore.load(file).verifyPassword("bob", "hunter22")).toBe(true);
    await run(["users", "list"], new PassThrough());
    expect(out).toMatch(/bob {4}instructor/);
    await expect(run(["users", "add", "x", "--role", "boss"], new PassThrough())).rejects.toThrow(
      /Allowed choices/,
    );
  });

  it("refuses a password typed differently twice", async () => {
    const tty = Object.assign(new PassThrough(), { isTTY: true, setRawMode: (_b: boolean) => {} });
    const p = readPassword("pw: ", { input: tty, output: new PassThrough() });
    setTimeout(() => tty.write("one\r"), 10);
    setTimeout(() => tty.write("two\r"), 30);
    await expect(p).rejects.toThrow(/differ/);
  });
});
