/**
 * @module server/users/store
 * The users file (`routelab-users.yaml`), the lab's /etc/master.passwd: who may log in, with
 * which role and colour, by password (scrypt hash) and/or OpenSSH public keys. The server keeps
 * one UsersStore and re-reads the file when it changes on disk, so `routelab users add` in
 * another terminal takes effect without a restart. Written atomically with mode 0600.
 */
import { chmodSync, existsSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import type ssh2 from "ssh2";
import { Document, isMap, isSeq, LineCounter, parseDocument } from "yaml";
import { LabError, LabErrors, type SourcePos } from "../../core/errors.js";
import { formatPublicKeyLine, type PublicKeyLine, parsePublicKeyLine, sameKeyBlob } from "./keys.js";
import { nextColor, nextColors, normalizeColor } from "../../core/palette.js";
import { ROUTING_USERS } from "../../core/routing-traffic.js";
import { hashPassword, isPasswordHash, randomPassword, verifyPassword } from "./password.js";

export type Role = "instructor" | "student";
export const ROLES: readonly Role[] = ["instructor", "student"];

export interface User {
  name: string;
  role: Role;
  /** `#RRGGBB`, the colour of this user's packets in the picture. */
  color: string;
  /** `scrypt$N$r$p$salt$hash`; absent for key-only users. */
  password?: string;
  /** OpenSSH public key lines. */
  keys: string[];
}

/** What the outside may see of a user (no hash). */
export interface UserInfo {
  name: string;
  role: Role;
  color: string;
  hasPassword: boolean;
  keys: number;
}

interface Entry {
  user: User;
  parsedKeys: PublicKeyLine[];
}

const NAME_RE = /^[a-z_][a-z0-9_.-]{0,31}$/;
/**
 * Names the lab itself uses: `root` runs scenario commands and owns the `#` prompt, `admin` is
 * who the admin token acts as, and the users routing daemons' own packets carry
 * (core/routing-traffic.ts: a student by such a name would wear the routing daemon's colour).
 */
const RESERVED = new Set(["root", "admin", ...ROUTING_USERS]);
/** Shortest password `add` accepts (NIST SP 800-63B's minimum for a chosen secret). */
export const MIN_PASSWORD_LENGTH = 8;
/** Longest password, characters (the hash cost does not grow with it; the request body does). */
export const MAX_PASSWORD_LENGTH = 1024;

/** Checks a user name; returns the reason it is refused, or undefined. */
export function checkUserName(name: string): string | undefined {
  if (!NAME_RE.test(name))
    return `user name '${name.slice(0, 40)}' must be 1-32 of a-z 0-9 _ . - and start with a letter or _`;
  if (RESERVED.has(name)) return `user name '${name}' is reserved`;
  return undefined;
}

const HEADER =
  "# routelab users: passwords are salted scrypt hashes, never clear text. Keep this file private (mode 0600).\n" +
  "# Edit with `routelab users add|list|remove`.\n";

export class UsersStore {
  private entries = new Map<string, Entry>();
  private stamp = "";
  /** Set when the last re-read of a changed file failed (the previous users stay in force). */
  lastReloadError: LabError | undefined;

  private constructor(readonly file: string) {}

  /** Reads the users file; a missing file gives an empty store (written on the first save). */
  static load(file: string): UsersStore {
    const s = new UsersStore(file);
    if (existsSync(file)) s.readFile();
    return s;
  }

  /** True when the file exists on disk. */
  exists(): boolean {
    return existsSync(this.file);
  }

  /** Warnings about the file itself (group- or world-readable). */
  warnings(): string[] {
    if (!existsSync(this.file) || process.platform === "win32") return [];
    const mode = statSync(this.file).mode & 0o777;
    return mode & 0o077
      ? [`${this.file} is readable by others (mode ${mode.toString(8)}); run: chmod 600 ${this.file}`]
      : [];
  }

  private fileStamp(): string {
    try {
      const st = statSync(this.file);
      return `${st.mtimeMs}:${st.size}:${st.ino}`;
    } catch {
      return "";
    }
  }

  private readFile(): void {
    const stamp = this.fileStamp();
    const text = readFileSync(this.file, "utf8");
    this.entries = parseUsersYaml(text, this.file);
    this.stamp = stamp;
  }

  /**
   * Re-reads the file when it changed on disk since it was loaded or saved. A bad file keeps the
   * users in force and records the error in `lastReloadError`. Cheap: one stat().
   */
  refresh(): void {
    const stamp = this.fileStamp();
    if (stamp === this.stamp || stamp === "") return;
    try {
      this.readFile();
      this.lastReloadError = undefined;
    } catch (e) {
      if (!(e instanceof LabError)) throw e;
      this.lastReloadError = e;
      this.stamp = stamp; // report once per change, not on every login
    }
  }

  /** Writes the file atomically (temporary file + rename) with mode 0600. */
  save(): void {
    const users = [...this.entries.values()].map(({ user }) => {
      const o: Record<string, unknown> = { name: user.name, role: user.role, color: user.color };
      if (user.password) o.password = user.password;
      if (user.keys.length) o.keys = user.keys;
      return o;
    });
    const doc = new Document({ users });
    const tmp = `${this.file}.tmp-${process.pid}`;
    writeFileSync(tmp, HEADER + doc.toString({ lineWidth: 0 }), { mode: 0o600 });
    chmodSync(tmp, 0o600); // the umask may have narrowed it; never widened
    renameSync(tmp, this.file);
    this.stamp = this.fileStamp();
  }

  list(): UserInfo[] {
    return [...this.entries.values()].map(({ user }) => ({
      name: user.name,
      role: user.role,
      color: user.color,
      hasPassword: user.password !== undefined,
      keys: user.keys.length,
    }));
  }

  get(name: string): UserInfo | undefined {
    const e = this.entries.get(name);
    return e ? this.list().find((u) => u.name === name) : undefined;
  }

  /** Role of a user, or undefined when there is no such user. */
  role(name: string): Role | undefined {
    return this.entries.get(name)?.user.role;
  }

  /**
   * What a login was made with, to notice when it changes: the user's salted password hash
   * (a new password, even the same one typed again, gives a new salt), "" with none.
   */
  passwordStamp(name: string): string | undefined {
    const e = this.entries.get(name);
    return e ? (e.user.password ?? "") : undefined;
  }

  color(name: string): string | undefined {
    return this.entries.get(name)?.user.color;
  }

  /**
   * Adds a user, or updates one that exists (a new key is appended; password, role and colour
   * replaced when given). Throws LabError for a bad name, role, colour or key. Does not save.
   */
  async add(o: {
    name: string;
    role?: Role;
    color?: string;
    password?: string;
    key?: string;
  }): Promise<{ user: UserInfo; created: boolean }> {
    const bad = checkUserName(o.name);
    if (bad) throw new LabError(bad, { field: "name" }, "usage");
    if (o.role !== undefined && !ROLES.includes(o.role))
      throw new LabError(`role must be instructor or student, not '${o.role}'`, { field: "role" }, "usage");
    let color: string | undefined;
    if (o.color !== undefined) {
      color = normalizeColor(o.color);
      if (!color)
        throw new LabError(`'${o.color}' is not a colour (#RRGGBB or a name)`, { field: "color" }, "usage");
      const owner = [...this.entries.values()].find((e) => e.user.color === color && e.user.name !== o.name);
      if (owner)
        throw new LabError(
          `colour ${color} already belongs to ${owner.user.name}`,
          { field: "color" },
          "usage",
        );
    }
    if (o.password !== undefined && [...o.password].length < MIN_PASSWORD_LENGTH)
      throw new LabError(
        `password too short: at least ${MIN_PASSWORD_LENGTH} characters`,
        { field: "password" },
        "usage",
      );
    if (o.password !== undefined && o.password.length > MAX_PASSWORD_LENGTH)
      throw new LabError(
        `password longer than ${MAX_PASSWORD_LENGTH} characters`,
        { field: "password" },
        "usage",
      );
    const key = o.key !== undefined ? parsePublicKeyLine(o.key) : undefined;
    const hash = o.password !== undefined ? await hashPassword(o.password) : undefined;

    const existing = this.entries.get(o.name);
    if (existing) {
      const u = existing.user;
      if (o.role) u.role = o.role;
      if (color) u.color = color;
      if (hash) u.password = hash;
      if (key && !existing.parsedKeys.some((k) => sameKeyBlob(k.blob, key.blob))) {
        existing.parsedKeys.push(key);
        u.keys.push(formatPublicKeyLine(key));
      }
      return { user: this.get(o.name)!, created: false };
    }
    const user: User = {
      name: o.name,
      role: o.role ?? "student",
      color: color ?? nextColor([...this.entries.values()].map((e) => e.user.color)),
      keys: key ? [formatPublicKeyLine(key)] : [],
    };
    if (hash) user.password = hash;
    this.entries.set(o.name, { user, parsedKeys: key ? [key] : [] });
    return { user: this.get(o.name)!, created: true };
  }

  /** Removes a user; false when there was none. Does not save. */
  remove(name: string): boolean {
    return this.entries.delete(name);
  }

  /** Checks a password (constant time, same cost for unknown users). */
  async verifyPassword(name: string, password: string): Promise<boolean> {
    const e = this.entries.get(name);
    if (password.length > MAX_PASSWORD_LENGTH) {
      await verifyPassword("x", undefined);
      return false;
    }
    return verifyPassword(password, e?.user.password);
  }

  /**
   * The stored key of `name` whose wire blob equals `blob` (what an SSH client offers), or
   * undefined. The caller must still verify the client's signature with the returned key.
   */
  findKey(name: string, blob: Buffer): ssh2.ParsedKey | undefined {
    const e = this.entries.get(name);
    if (!e) return undefined;
    let found: ssh2.ParsedKey | undefined;
    // Compare with every key (no early exit), so timing does not say which one matched.
    for (const k of e.parsedKeys) if (sameKeyBlob(k.blob, blob)) found = k.key;
    return found;
  }

  /** Whether `name` holds the key `blob` (signature not checked: see findKey). */
  verifyKey(name: string, blob: Buffer): boolean {
    return this.findKey(name, blob) !== undefined;
  }

  /**
   * With no instructor in the store, creates one named `instructor` (or `instructor2`… if a
   * student took the name) with a random one-time password, saves, and returns the login for
   * `up` to print. Returns undefined when an instructor exists.
   */
  async createInstructorIfMissing(): Promise<{ name: string; password: string } | undefined> {
    if ([...this.entries.values()].some((e) => e.user.role === "instructor")) return undefined;
    let name = "instructor";
    for (let i = 2; this.entries.has(name); i++) name = `instructor${i}`;
    const password = randomPassword();
    await this.add({ name, role: "instructor", password });
    this.save();
    return { name, password };
  }
}

/** Parses the users file text; throws LabErrors listing every fault with its line. */
export function parseUsersYaml(text: string, file: string): Map<string, Entry> {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const errors: LabError[] = [];
  const at = (path: (string | number)[], field: string): SourcePos => {
    const node = doc.getIn(path, true) as { range?: [number, number, number] } | undefined;
    const off = node?.range?.[0];
    if (off === undefined) return { file, field };
    const { line, col } = lines.linePos(off);
    return { file, line, col, field };
  };
  for (const e of doc.errors) {
    const { line, col } = lines.linePos(e.pos[0]);
    errors.push(new LabError(e.message.split("\n")[0]!, { file, line, col }));
  }
  if (errors.length) throw new LabErrors(errors);
  const entries = new Map<string, Entry>();
  if (doc.contents === null) return entries; // an empty file: no users
  if (!isMap(doc.contents)) throw new LabError("expected a mapping with a 'users' list", at([], "users"));
  const list = doc.get("users", true);
  if (list === undefined || list === null) return entries;
  if (!isSeq(list)) throw new LabError("must be a list of users", at(["users"], "users"));
  const colors = new Map<string, string>();
  const data = doc.toJS({ maxAliasCount: 100 }) as { users: unknown[] };
  list.items.forEach((_item, i) => {
    const base = ["users", i];
    const f = (k: string) => `users[${i}].${k}`;
    if (!isMap(doc.getIn(base, true))) {
      errors.push(
        new LabError("must be a mapping {name, role, color, password, keys}", at(base, `users[${i}]`)),
      );
      return;
    }
    const obj = data.users[i] as Record<string, unknown>;
    for (const k of Object.keys(obj))
      if (!["name", "role", "color", "password", "keys"].includes(k))
        errors.push(new LabError(`unknown field '${k}'`, at([...base, k], f(k))));
    const name = obj.name;
    if (typeof name !== "string") {
      errors.push(new LabError("missing or not a string", at([...base, "name"], f("name"))));
      return;
    }
    const bad = checkUserName(name);
    if (bad) errors.push(new LabError(bad, at([...base, "name"], f("name"))));
    if (entries.has(name))
      errors.push(new LabError(`duplicate user '${name}'`, at([...base, "name"], f("name"))));
    const role = obj.role ?? "student";
    if (role !== "instructor" && role !== "student")
      errors.push(new LabError("must be instructor or student", at([...base, "role"], f("role"))));
    const color = typeof obj.color === "string" ? normalizeColor(obj.color) : undefined;
    if (obj.color !== undefined && !color)
      errors.push(new LabError("not a colour (#RRGGBB)", at([...base, "color"], f("color"))));
    if (color && colors.has(color))
      errors.push(
        new LabError(`colour ${color} is also ${colors.get(color)}'s`, at([...base, "color"], f("color"))),
      );
    const password = obj.password;
    if (password !== undefined && (typeof password !== "string" || !isPasswordHash(password)))
      errors.push(
        new LabError(
          "must be a scrypt hash written by `routelab users add --password` (never a clear password)",
          at([...base, "password"], f("password")),
        ),
      );
    const keys: PublicKeyLine[] = [];
    if (obj.keys !== undefined && !Array.isArray(obj.keys))
      errors.push(new LabError("must be a list of public key lines", at([...base, "keys"], f("keys"))));
    else
      for (const [j, k] of ((obj.keys as unknown[]) ?? []).entries()) {
        try {
          if (typeof k !== "string") throw new LabError("not a string");
          keys.push(parsePublicKeyLine(k));
        } catch (e) {
          if (!(e instanceof LabError)) throw e;
          errors.push(new LabError(e.message, at([...base, "keys", j], `${f("keys")}[${j}]`)));
        }
      }
    if (color) colors.set(color, name);
    entries.set(name, {
      user: {
        name,
        role: role as Role,
        color: color ?? "", // assigned below, once every explicit colour is known
        ...(typeof password === "string" ? { password } : {}),
        keys: keys.map(formatPublicKeyLine),
      },
      parsedKeys: keys,
    });
  });
  if (errors.length === 1) throw errors[0];
  if (errors.length) throw new LabErrors(errors);
  const uncoloured = [...entries.values()].filter((e) => !e.user.color);
  const auto = nextColors(colors.keys(), uncoloured.length);
  uncoloured.forEach((e, i) => {
    e.user.color = auto[i]!;
  });
  return entries;
}
