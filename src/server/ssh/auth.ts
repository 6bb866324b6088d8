/**
 * @module server/ssh/auth
 * Password and public-key authentication of one SSH connection, under the same login
 * throttle as the page: each password or key signature is checked only after an attempt was
 * reserved (`LoginThrottle.begin`), so a burst of guesses on parallel connections is checked a
 * few at a time. A throttled or failed attempt is answered after `failDelayMs`; `maxAuthTries`
 * failures end the connection (sshd's MaxAuthTries). A user already holding `maxPerUser`
 * connections is refused, so one account logging in again and again cannot fill the server.
 */
import type ssh2 from "ssh2";
import type { SlotCounter } from "../limits.js";
import type { ServerLog } from "../log.js";
import type { UsersStore } from "../users/store.js";
import type { LoginThrottle } from "../users/throttle.js";

export interface SshAuthOptions {
  users: UsersStore;
  throttle: LoginThrottle;
  log: ServerLog;
  maxAuthTries: number;
  failDelayMs: number;
  /** Connections per user, counted in `userSlots`. */
  maxPerUser: number;
  userSlots: SlotCounter;
}

const METHODS: ssh2.AuthenticationType[] = ["publickey", "password"];

/** A user name as typed by a stranger, safe to put in a log line. */
export function sanitize(s: string): string {
  return JSON.stringify(s.slice(0, 64));
}

/**
 * Authenticates `client` (from address key `addr`); `onLogin(user, release)` runs once with
 * the user's connection slot, which the caller releases when the connection closes.
 */
export function authenticateClient(
  o: SshAuthOptions,
  client: ssh2.Connection,
  addr: string,
  onLogin: (user: string, release: () => void) => void,
): void {
  let failures = 0;
  let done = false;
  const note = (level: "info" | "warn", event: string, user: string, text: string) =>
    o.log[level]({ event, proto: "ssh", addr, user: user.slice(0, 64) }, `ssh: ${addr}: ${text}`);

  const refuse = (ctx: ssh2.AuthContext, counted: boolean) => {
    if (counted) failures++;
    const send = () => {
      if (failures >= o.maxAuthTries) {
        note(
          "warn",
          "auth-tries",
          ctx.username,
          `too many authentication failures for ${sanitize(ctx.username)}`,
        );
        client.end();
        return;
      }
      ctx.reject(METHODS);
    };
    if (o.failDelayMs > 0) setTimeout(send, o.failDelayMs);
    else send();
  };

  const authenticate = async (ctx: ssh2.AuthContext) => {
    o.users.refresh();
    const name = ctx.username;
    if (done) return ctx.reject(METHODS);
    if (ctx.method !== "password" && ctx.method !== "publickey") return ctx.reject(METHODS);
    const k = ctx.method === "publickey" ? o.users.findKey(name, ctx.key.data) : undefined;
    // An unknown key is not a failure: clients offer every key they hold, one after another.
    if (ctx.method === "publickey" && !k) return ctx.reject(METHODS);
    if (ctx.method === "publickey" && (!ctx.signature || !ctx.blob)) return ctx.accept(); // "would this key do?" — yes; now sign
    const attempt = o.throttle.begin(name, addr);
    if (typeof attempt === "number") {
      note(
        "warn",
        "throttled",
        name,
        `${sanitize(name)} throttled for ${Math.ceil(attempt / 1000)} s after failed logins`,
      );
      return refuse(ctx, true); // counts toward MaxAuthTries: a throttled client cannot retry forever
    }
    if (ctx.method === "password") {
      if (!(await o.users.verifyPassword(name, ctx.password)) || !o.users.role(name)) {
        attempt.fail();
        note("warn", "login-failed", name, `failed password for ${sanitize(name)}`);
        return refuse(ctx, true);
      }
    } else if (ctx.method === "publickey" && !k!.verify(ctx.blob!, ctx.signature!, ctx.hashAlgo)) {
      attempt.fail();
      note("warn", "login-failed", name, `bad signature for ${sanitize(name)}`);
      return refuse(ctx, true);
    }
    attempt.succeed();
    const release = o.userSlots.claim(name, o.maxPerUser);
    if (!release) {
      note("warn", "user-connections", name, `${name} already has ${o.maxPerUser} connections open; refused`);
      return refuse(ctx, false);
    }
    done = true;
    note("info", "login", name, `${name} logged in (${ctx.method})`);
    onLogin(name, release);
    ctx.accept();
  };

  client.on("authentication", (ctx) => {
    void authenticate(ctx).catch((e: unknown) => {
      // A bug or an unreadable users file, not a wrong password: refused, and the operator told.
      o.log.error(
        { event: "internal-error", proto: "ssh", addr },
        `ssh: ${addr}: internal error authenticating ${sanitize(ctx.username)}: ${e instanceof Error ? e.message : String(e)}`,
      );
      ctx.reject(METHODS);
    });
  });
}
