/**
 * @module server/http/admin-token
 * The admin token's one rule that is checked before the server starts: its length. It is a
 * password that scripts send, so it must withstand guessing by itself; guesses are also
 * throttled per address (auth.ts). Kept apart from the server so the command line can check
 * `--admin-token` without loading fastify.
 */
import { LabError } from "../../core/errors.js";

/** Shortest admin token accepted, characters (16 random characters: ~95 bits). */
export const MIN_ADMIN_TOKEN_LENGTH = 16;

/** Refuses an admin token too short to withstand guessing (a LabError naming `--admin-token`). */
export function checkAdminToken(token: string): void {
  if (token.length < MIN_ADMIN_TOKEN_LENGTH)
    throw new LabError(
      `admin token too short: at least ${MIN_ADMIN_TOKEN_LENGTH} characters (try: openssl rand -base64 24)`,
      { field: "--admin-token" },
      "usage",
    );
}
