/**
 * @module server/ssh/host-key
 * The server's SSH host key: an Ed25519 key created once, in OpenSSH format, and kept beside the
 * users file with mode 0600, so clients see the same fingerprint every class and
 * `known_hosts` keeps working. A key file readable by others is tightened, as sshd insists.
 */
import { chmodSync, closeSync, existsSync, openSync, readFileSync, statSync, writeSync } from "node:fs";
import { dirname, join } from "node:path";
import ssh2 from "ssh2";
import { LabError } from "../../core/errors.js";
import { fingerprint } from "../users/keys.js";

// Named so the .gitignore entry `routelab-hostkey*` keeps it out of git.
export const HOST_KEY_FILE = "routelab-hostkey";

/** Host key path beside a users file. */
export function hostKeyPathFor(usersFile: string): string {
  return join(dirname(usersFile), HOST_KEY_FILE);
}

export interface HostKey {
  /** The private key text ssh2's Server takes. */
  privateKey: string;
  /** `SHA256:…`, as `ssh-keygen -lf` and the client's first-connection prompt show it. */
  fingerprint: string;
  /** True when this call created the key. */
  created: boolean;
}

/**
 * A new ed25519 key pair that ssh2 can read back. ssh2's generator (1.17) writes the public
 * half as an SSH mpint, dropping a leading zero byte, so about 1 key in 180 comes out with a
 * 31-byte public key that its own parser (and OpenSSH) refuses: a host key made so would stop
 * `up` for good ("not an SSH private key"). Such a pair is thrown away and another made.
 */
export function generateEd25519(comment?: string): { private: string; public: string } {
  for (let tries = 0; tries < 64; tries++) {
    const pair = ssh2.utils.generateKeyPairSync("ed25519", comment === undefined ? {} : { comment });
    if (
      !(ssh2.utils.parseKey(pair.private) instanceof Error) &&
      !(ssh2.utils.parseKey(pair.public) instanceof Error)
    )
      return pair;
  }
  throw new LabError("could not make an ed25519 key ssh2 reads back (64 tries)");
}

/** Loads the host key at `path`, creating it (mode 0600) when missing. */
export function loadOrCreateHostKey(path: string): HostKey {
  let created = false;
  if (!existsSync(path)) {
    const pair = generateEd25519("routelab host key");
    try {
      // 'wx': never overwrite a key another process just wrote.
      const fd = openSync(path, "wx", 0o600);
      writeSync(fd, pair.private);
      closeSync(fd);
      created = true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
  }
  if (process.platform !== "win32" && (statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
  const privateKey = readFileSync(path, "utf8");
  const parsed = ssh2.utils.parseKey(privateKey);
  if (parsed instanceof Error || !parsed.isPrivateKey())
    throw new LabError(
      `not an SSH private key: ${parsed instanceof Error ? parsed.message : "public key only"}`,
      {
        file: path,
      },
    );
  return { privateKey, fingerprint: fingerprint(parsed.getPublicSSH()), created };
}
