/**
 * @module cli/users
 * `routelab users add|list|remove`: edit the users file from the command line, as adduser(8)
 * edits the password file. Passwords are typed without echo on a terminal (or read as one line
 * from a pipe), hashed at once, never shown or stored in clear. The text-returning functions
 * (usersAdd, usersList, usersRemove) do the work; registerUsersCommands wires them into commander.
 */
import { readFileSync } from "node:fs";
import { type Command, Option } from "commander";
import { LabError } from "../core/errors.js";
import { fingerprint, parsePublicKeyLine } from "../server/users/keys.js";
import { defaultStateDir, openStateDir, statePaths } from "../server/state-dir.js";
import { randomPassword } from "../server/users/password.js";
import { ROLES, type Role, UsersStore } from "../server/users/store.js";

export interface UsersAddOptions {
  password?: string;
  /** Path of a public key file (`id_ed25519.pub`, or several lines as in authorized_keys). */
  key?: string;
  role?: Role;
  color?: string;
}

/** Adds or updates a user and saves; returns what to print. */
export async function usersAdd(file: string, name: string, o: UsersAddOptions): Promise<string> {
  const store = UsersStore.load(file);
  const keys = o.key !== undefined ? readKeys(o.key) : [];
  const exists = store.get(name) !== undefined;
  // A new user given neither password nor key could never log in: give them a one-time password.
  const generated = !exists && o.password === undefined && keys.length === 0 ? randomPassword() : undefined;
  const password = o.password ?? generated;
  const add: Parameters<UsersStore["add"]>[0] = { name };
  if (o.role !== undefined) add.role = o.role;
  if (o.color !== undefined) add.color = o.color;
  if (password !== undefined) add.password = password;
  let r = await store.add({ ...add, ...(keys[0] ? { key: keys[0] } : {}) });
  for (const k of keys.slice(1)) r = await store.add({ name, key: k });
  store.save();
  const u = r.user;
  let text = `${r.created ? "added" : "updated"} ${u.role} ${u.name}, colour ${u.color}`;
  text += `, ${u.hasPassword ? "password set" : "no password"}, ${u.keys} key${u.keys === 1 ? "" : "s"} (${file})\n`;
  for (const k of keys) text += `  key ${fingerprint(parsePublicKeyLine(k).blob)}\n`;
  if (generated) text += `one-time password for ${name}: ${generated}\n`;
  return text;
}

/** The users, one per line: name, role, colour, login methods. */
export function usersList(file: string): string {
  const store = UsersStore.load(file);
  const users = store.list();
  if (users.length === 0) return `no users in ${file}\n`;
  const w = Math.max(4, ...users.map((u) => u.name.length));
  let text = `${"NAME".padEnd(w)}  ROLE        COLOUR   LOGIN\n`;
  for (const u of users) {
    const login = [u.hasPassword ? "password" : "", u.keys ? `${u.keys} key${u.keys === 1 ? "" : "s"}` : ""]
      .filter(Boolean)
      .join(", ");
    text += `${u.name.padEnd(w)}  ${u.role.padEnd(10)}  ${u.color}  ${login || "(none: cannot log in)"}\n`;
  }
  for (const wn of store.warnings()) text += `warning: ${wn}\n`;
  return text;
}

/** Removes a user and saves; throws LabError when there is none. */
export function usersRemove(file: string, name: string): string {
  const store = UsersStore.load(file);
  if (!store.remove(name)) throw new LabError(`no user '${name}' in ${file}`, { field: "name" }, "not-found");
  store.save();
  return `removed ${name} (${file})\n`;
}

/** Public key lines of a file, skipping blanks and comments. */
function readKeys(path: string): string[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new LabError(
      `cannot read key file: ${(e as Error).message}`,
      { file: path, field: "--key" },
      "usage",
    );
  }
  const lines = text.split(/\r?\n/).filter((l) => l.trim() && !l.trim().startsWith("#"));
  if (lines.length === 0)
    throw new LabError("no public key in the file", { file: path, field: "--key" }, "usage");
  return lines.map((l, i) => {
    try {
      parsePublicKeyLine(l);
      return l;
    } catch (e) {
      if (e instanceof LabError)
        throw new LabError(e.message, { file: path, line: i + 1, field: "--key" }, "usage");
      throw e;
    }
  });
}

export interface PasswordInput {
  input: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (on: boolean) => unknown };
  output: NodeJS.WritableStream;
}

/**
 * Reads a password: without echo on a terminal (asked twice to catch typos), or one line from a
 * pipe. Ctrl-C on the terminal aborts.
 */
export async function readPassword(
  prompt: string,
  io: PasswordInput = { input: process.stdin, output: process.stderr },
): Promise<string> {
  if (!io.input.isTTY || !io.input.setRawMode) return readLine(io.input);
  const first = await readHidden(prompt, io);
  const again = await readHidden("Retype password: ", io);
  if (first !== again) throw new LabError("the passwords differ", { field: "--password" }, "usage");
  return first;
}

function readHidden(prompt: string, io: PasswordInput): Promise<string> {
  return new Promise((resolve, reject) => {
    const input = io.input;
    io.output.write(prompt);
    input.setRawMode!(true);
    input.resume();
    let pw = "";
    const done = (err?: Error) => {
      input.setRawMode!(false);
      input.pause();
      input.removeListener("data", onData);
      io.output.write("\n");
      if (err) reject(err);
      else resolve(pw);
    };
    const onData = (d: Buffer | string) => {
      for (const ch of d.toString()) {
        if (ch === "\r" || ch === "\n") return done();
        if (ch === "\x03") return done(new LabError("interrupted", { field: "--password" }, "usage"));
        if (ch === "\x7f" || ch === "\b") pw = [...pw].slice(0, -1).join("");
        else if (ch === "\x15") pw = "";
        else if (ch >= " ") pw += ch;
      }
    };
    input.on("data", onData);
  });
}

function readLine(input: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve, reject) => {
    let buf = "";
    const finish = () => {
      input.removeListener("data", onData);
      input.removeListener("end", finish);
      input.removeListener("error", reject);
      input.pause();
      const line = buf.split(/\r?\n/)[0]!;
      if (!line) reject(new LabError("no password on standard input", { field: "--password" }, "usage"));
      else resolve(line);
    };
    const onData = (d: Buffer | string) => {
      buf += d.toString();
      if (buf.includes("\n") || buf.length > 4096) finish();
    };
    input.on("data", onData);
    input.on("end", finish);
    input.on("error", reject);
    input.resume();
  });
}

export interface UsersCliIo {
  out: (s: string) => void;
  /** Where prompts go and passwords are read (default: standard error and input). */
  password?: PasswordInput;
}

/** The users file a command means: `--users FILE`, else the one in the state directory `up` uses. */
function usersFileOf(o: { users?: string; state?: string }, create: boolean): string {
  if (o.users !== undefined) return o.users;
  const dir = o.state ?? defaultStateDir();
  return (create ? openStateDir(dir) : statePaths(dir)).usersFile;
}

/**
 * Registers `users add|list|remove` on `program`. Without options they edit the users file of
 * the class's state directory, the one `routelab up` uses, so both agree without flags.
 */
export function registerUsersCommands(program: Command, io: UsersCliIo): Command {
  const users = program.command("users").description("manage who may log in (the users file)");
  const fileOpts = (c: Command) =>
    c
      .option("--state <dir>", "the class's state directory (default ~/.local/state/routelab)")
      .option("--users <file>", "users file (default: users.yaml in the state directory)");
  fileOpts(
    users
      .command("add")
      .description("add a user, or add a key / change the password, role or colour of one")
      .argument("<name>", "login name")
      .option("--password [password]", "set a password (prompted without echo when no value is given)")
      .option("--key <file>", "add the OpenSSH public key(s) in FILE (e.g. ~/.ssh/id_ed25519.pub)")
      .addOption(new Option("--role <role>", "instructor or student (new users: student)").choices(ROLES))
      .option("--color <colour>", "#RRGGBB or a name (default: the next free colour)"),
  ).action(
    async (
      name: string,
      o: {
        password?: string | true;
        key?: string;
        role?: Role;
        color?: string;
        users?: string;
        state?: string;
      },
    ) => {
      const add: UsersAddOptions = {};
      if (o.password === true) add.password = await readPassword(`Password for ${name}: `, io.password);
      else if (o.password !== undefined) add.password = o.password;
      if (o.key !== undefined) add.key = o.key;
      if (o.role !== undefined) add.role = o.role;
      if (o.color !== undefined) add.color = o.color;
      io.out(await usersAdd(usersFileOf(o, true), name, add));
    },
  );
  fileOpts(users.command("list").description("list the users")).action(
    (o: { users?: string; state?: string }) => io.out(usersList(usersFileOf(o, false))),
  );
  fileOpts(users.command("remove").description("remove a user").argument("<name>", "login name")).action(
    (name: string, o: { users?: string; state?: string }) => io.out(usersRemove(usersFileOf(o, false), name)),
  );
  return users;
}
