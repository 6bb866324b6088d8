/**
 * @module server/state-dir
 * Where a class's state lives: one directory, not beside the topology. The users file, the SSH
 * host key and lesson journals belong to the class whichever lab runs, so switching from the
 * seed to a lesson keeps every account and the same host key (OpenSSH's known_hosts stays
 * happy), and nothing is ever written into the package, `examples/` or `node_modules`.
 *
 * Default: `$XDG_STATE_HOME/routelab`, else `~/.local/state/routelab` (the XDG Base Directory
 * specification's state directory: "data that should persist between restarts … not important
 * or portable enough" for the data directory). `--state DIR` chooses another.
 */
import { chmodSync, copyFileSync, existsSync, mkdirSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { LabError } from "../core/errors.js";

/** The users file and host key in a state directory. */
export const STATE_USERS_FILE = "users.yaml";
export const STATE_HOST_KEY = "ssh_host_ed25519_key";

/** What older versions wrote beside the topology (a .gitignore entry still names them). */
export const LEGACY_USERS_FILE = "routelab-users.yaml";
export const LEGACY_HOST_KEY = "routelab-hostkey";

export interface StatePaths {
  dir: string;
  usersFile: string;
  hostKey: string;
  /** Lesson journals, one file per lesson. */
  journals: string;
}

/** `$XDG_STATE_HOME/routelab`, or `~/.local/state/routelab` (a relative XDG_STATE_HOME is ignored, as the spec says). */
export function defaultStateDir(env: NodeJS.ProcessEnv = process.env, home: () => string = homedir): string {
  const xdg = env.XDG_STATE_HOME;
  if (xdg && isAbsolute(xdg)) return join(xdg, "routelab");
  return join(home(), ".local", "state", "routelab");
}

export function statePaths(dir: string): StatePaths {
  const d = resolve(dir);
  return {
    dir: d,
    usersFile: join(d, STATE_USERS_FILE),
    hostKey: join(d, STATE_HOST_KEY),
    journals: join(d, "journals"),
  };
}

/**
 * Makes the state directory (mode 0700: it holds password hashes and a private key) and
 * returns its paths. A directory that cannot be made is an error naming it and `--state`.
 */
export function openStateDir(dir: string): StatePaths {
  const p = statePaths(dir);
  try {
    mkdirSync(p.dir, { recursive: true, mode: 0o700 });
    if (!statSync(p.dir).isDirectory())
      throw Object.assign(new Error("not a directory"), { code: "ENOTDIR" });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === "EACCES" || code === "EPERM"
        ? "permission denied"
        : code === "ENOTDIR" || code === "EEXIST"
          ? "not a directory"
          : (e as Error).message;
    throw new LabError(
      `cannot use state directory ${p.dir}: ${why} (choose another with --state DIR)`,
      { file: p.dir, field: "--state" },
      "io",
    );
  }
  if (process.platform !== "win32" && (statSync(p.dir).mode & 0o077) !== 0) {
    try {
      chmodSync(p.dir, 0o700);
    } catch {
      // Not ours to tighten (a shared directory given with --state): the files are 0600 anyway.
    }
  }
  return p;
}

/**
 * Older versions kept the users file and host key beside the topology. When the state
 * directory has no users file yet and such a file sits beside `topologyPath`, both are copied
 * in (the class keeps its accounts and host key); when it has one, the old file is reported as
 * unused. Returns what to tell the operator.
 */
export function importLegacyState(topologyPath: string, p: StatePaths): string[] {
  if (topologyPath === "-") return [];
  const dir = dirname(resolve(topologyPath));
  const oldUsers = join(dir, LEGACY_USERS_FILE);
  const oldKey = join(dir, LEGACY_HOST_KEY);
  if (!existsSync(oldUsers)) return [];
  if (existsSync(p.usersFile))
    return [
      `${oldUsers} (from an older routelab) is not read: accounts live in ${p.usersFile}; delete the old file and ${LEGACY_HOST_KEY} beside it`,
    ];
  copyFileSync(oldUsers, p.usersFile);
  chmodSync(p.usersFile, 0o600);
  let what = "users";
  if (existsSync(oldKey) && !existsSync(p.hostKey)) {
    copyFileSync(oldKey, p.hostKey);
    chmodSync(p.hostKey, 0o600);
    what = "users and SSH host key";
  }
  return [
    `imported the ${what} of an older routelab from ${dir} into ${p.dir}; the old files are no longer read (delete them)`,
  ];
}
