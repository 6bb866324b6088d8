/**
 * @module server/ssh/packet-limit
 * The longest SSH packet the installed ssh2 accepts. ssh2 drops a connection whose packet is
 * longer (a module constant, 35,000 bytes as shipped: RFC 4253's minimum); `npm install` runs
 * bin/patch-ssh2.js, which raises it to OpenSSH's 256 KiB so a long `ssh host vm1 COMMAND…`
 * (one packet) reaches the server and gets "command too long" instead of a closed connection.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

/** OpenSSH's PACKET_MAX_SIZE: what its client may send in one packet. */
export const OPENSSH_PACKET_MAX = 256 * 1024;

/** ssh2's limit as read from its source, or undefined when it cannot be read. */
export function ssh2PacketLimit(): number | undefined {
  try {
    const file = createRequire(import.meta.url).resolve("ssh2/lib/protocol/crypto.js");
    const m = /^const MAX_PACKET_SIZE = (\d+)(?: \* (\d+))?;/m.exec(readFileSync(file, "utf8"));
    return m ? Number(m[1]) * Number(m[2] ?? 1) : undefined;
  } catch {
    return undefined;
  }
}

/** What to tell the operator when ssh2 was installed without the patch; undefined when all is well. */
export function packetLimitWarning(limit: number | undefined): string | undefined {
  if (limit !== undefined && limit >= OPENSSH_PACKET_MAX) return undefined;
  return (
    `ssh2 accepts SSH packets of ${limit === undefined ? "an unknown size" : `${limit} bytes`} only, ` +
    "so a longer exec request closes its connection: run routelab's bin/patch-ssh2.js " +
    "(npm install runs it, unless scripts are off)"
  );
}
