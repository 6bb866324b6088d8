/**
 * @module server/ssh/packet-limit
 * The longest SSH packet ssh2, the library of the SSH server, accepts: 35,000 bytes, RFC
 * 4253 §6.1's minimum ("All implementations MUST be able to process packets with an
 * uncompressed payload length of 32768 bytes or less and a total packet size of 35000 bytes
 * or less"), a module constant of ssh2 (lib/protocol/crypto.js: `const MAX_PACKET_SIZE =
 * 35000;`) that no option changes. A packet past it makes ssh2 close the connection before
 * anything above it sees the packet, so nothing in routelab can answer it.
 *
 * OpenSSH's client sends `ssh host vm1 COMMAND…` as one packet (an exec channel request), so a
 * command of up to about 34,940 bytes reaches the server and gets `command too long` (a command
 * line is at most 4,096 characters: server/limits.ts); a longer one closes that connection only,
 * and the server's log says why (tooLongPacket). routelab does not patch ssh2 to raise it.
 */

/** ssh2's MAX_PACKET_SIZE (lib/protocol/crypto.js). */
export const SSH2_PACKET_MAX = 35_000;

/**
 * The longest exec command sure to fit one such packet: the limit minus what ssh2 counts
 * besides the packet with AEAD ciphers (aes*-gcm, chacha20-poly1305: the 4-byte length and the
 * 16-byte tag, `(this._len + 20) > MAX_PACKET_SIZE`), the padding-length byte, the padding (4
 * bytes and up to a 16-byte cipher block more: RFC 4253 §6) and the request's fields (message
 * type, channel, "exec", want-reply, the command's length: RFC 4254 §6.5).
 */
export const SSH2_EXEC_COMMAND_MAX = SSH2_PACKET_MAX - 20 - 1 - (4 + 15) - (1 + 4 + (4 + 4) + 1 + 4);

/**
 * True for the error ssh2 reports when a client sent a packet longer than it takes: `Bad packet
 * length` from its JavaScript ciphers, `Bad packet length: N` from its native binding (AEAD).
 */
export function isTooLongPacket(e: Error): boolean {
  return /^Bad packet length(?::|$)/.test(e.message);
}

/** The log line for a connection ssh2 closed on such a packet. */
export function tooLongPacket(addr: string, user: string | undefined, e: Error): string {
  const size = /: (\d+)$/.exec(e.message)?.[1];
  return (
    `ssh: ${addr}: ${user ?? "(not logged in)"} sent a packet ${size ? `of ${size} bytes, ` : ""}` +
    `longer than the ${SSH2_PACKET_MAX} the SSH library takes ` +
    `(an exec command over about ${SSH2_EXEC_COMMAND_MAX} characters?): connection closed`
  );
}
