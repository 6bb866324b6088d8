/**
 * @module server/users/keys
 * OpenSSH public keys as people paste them (`ssh-ed25519 AAAA… alice@laptop`, one line of
 * `~/.ssh/id_ed25519.pub` or `authorized_keys`), checked with ssh2's own key parser so that
 * what the users file accepts is exactly what the SSH server can verify.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import ssh2 from "ssh2";
import { LabError } from "../../core/errors.js";

/** Key types OpenSSH still offers by default (DSA is gone from OpenSSH 9.8 and refused here). */
const ALLOWED = new Set([
  "ssh-ed25519",
  "ssh-rsa",
  "ecdsa-sha2-nistp256",
  "ecdsa-sha2-nistp384",
  "ecdsa-sha2-nistp521",
]);

export interface PublicKeyLine {
  type: string;
  /** The SSH wire blob of the key (what clients send in a publickey request). */
  blob: Buffer;
  comment: string;
  /** The key as ssh2 parsed it, for signature checks. */
  key: ssh2.ParsedKey;
}

/**
 * Parses one public key line; throws LabError (field `keys`) naming what is wrong.
 * Lines with authorized_keys options (`from="…" ssh-ed25519 …`) are refused: the users file keeps
 * keys only.
 */
export function parsePublicKeyLine(line: string): PublicKeyLine {
  const text = line.trim();
  if (text.length > 16384) throw new LabError("public key line is too long", { field: "keys" });
  const m = /^(\S+)\s+([A-Za-z0-9+/]+={0,2})(?:\s+(.*))?$/.exec(text);
  if (!m)
    throw new LabError("not an OpenSSH public key line (expected 'TYPE BASE64 [COMMENT]')", {
      field: "keys",
    });
  const type = m[1]!;
  if (!ALLOWED.has(type))
    throw new LabError(`unsupported key type '${type.slice(0, 40)}' (use ssh-ed25519, ssh-rsa or ecdsa)`, {
      field: "keys",
    });
  const parsed = ssh2.utils.parseKey(`${type} ${m[2]}`);
  if (parsed instanceof Error) throw new LabError(`bad ${type} key: ${parsed.message}`, { field: "keys" });
  if (parsed.isPrivateKey())
    throw new LabError("that is a private key; give the .pub file", { field: "keys" });
  if (parsed.type !== type)
    throw new LabError(`key says '${type}' but holds a ${parsed.type} key`, { field: "keys" });
  return { type, blob: parsed.getPublicSSH(), comment: (m[3] ?? "").trim(), key: parsed };
}

/** Canonical form stored in the users file: `TYPE BASE64 COMMENT`. */
export function formatPublicKeyLine(k: PublicKeyLine): string {
  return `${k.type} ${k.blob.toString("base64")}${k.comment ? ` ${k.comment}` : ""}`;
}

/** Constant-time comparison of a key blob a client offered with a stored one. */
export function sameKeyBlob(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** `SHA256:…` fingerprint as `ssh-keygen -l` prints it. */
export function fingerprint(blob: Buffer): string {
  return `SHA256:${createHash("sha256").update(blob).digest("base64").replace(/=+$/, "")}`;
}
