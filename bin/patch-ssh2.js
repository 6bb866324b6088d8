#!/usr/bin/env node
// Run by `npm install`/`npm ci` (postinstall). ssh2, the library of routelab's SSH server,
// drops a connection that sends a packet longer than 35,000 bytes (RFC 4253's minimum, a
// constant in ssh2/lib/protocol/crypto.js that no option changes). OpenSSH accepts 256 KiB,
// and its client sends a long `ssh host vm1 COMMAND…` as one packet, so the connection closed
// instead of the server answering "command too long". This raises the constant to OpenSSH's
// PACKET_MAX_SIZE; src/server/ssh/packet-limit.ts reads it back, and the SSH server says so
// when the patch is missing (an install with --ignore-scripts). Idempotent; never fails the
// install: a changed ssh2 gets a warning instead.
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";

const LIMIT = "256 * 1024";
const LINE = /^const MAX_PACKET_SIZE = ([^;\n]+);/m;

// The file may be named (tests); else ssh2's, as this package resolves it.
let file = process.argv[2];
try {
  file ??= createRequire(import.meta.url).resolve("ssh2/lib/protocol/crypto.js");
} catch {
  process.exit(0); // ssh2 not installed (yet): nothing to patch
}
const text = readFileSync(file, "utf8");
const m = LINE.exec(text);
if (!m) {
  process.stderr.write(
    `routelab: warning: ${file} has no 'const MAX_PACKET_SIZE = …;' line: SSH exec requests over 35,000 bytes will close the connection\n`,
  );
} else if (m[1] !== LIMIT) {
  writeFileSync(
    file,
    text.replace(LINE, `const MAX_PACKET_SIZE = ${LIMIT}; // raised by routelab (bin/patch-ssh2.js)`),
  );
}
