/**
 * @module server/session-guard
 * Ends what a login opened once the login no longer holds. An SSH connection and the page's
 * terminals run a shell as their user; when an instructor removes that user from the users
 * file (`routelab users remove`) or changes their password (`routelab users add NAME
 * --password`: a leaked password is changed to shut someone out), every one of them ends,
 * with a message, and so do the web sessions made with the old password. A terminal opened
 * from a web session also ends with that session: logged out in another tab, expired, unused
 * too long. Nothing is left running as someone who may no longer log in.
 *
 * The users file is re-read (one stat) and session lifetimes checked every `intervalMs` while
 * anything is watched; a logout or revocation in the session store ends its terminals at once.
 */
import { lineLog, type ServerLog, silentLog } from "./log.js";
import { passwordChanged, type Session, type SessionEnd, type SessionStore } from "./users/sessions.js";
import type { UsersStore } from "./users/store.js";

export interface SessionGuardOptions {
  users: UsersStore;
  /** Web sessions, for terminals opened from one (the HTTP server's; SSH has none). */
  sessions?: SessionStore;
  /** How often to check the users file and session lifetimes, ms (default 2000). */
  intervalMs?: number;
  /**
   * Where failures are reported, with the error and its stack: a check that throws (once until
   * one succeeds again, which is reported with how many failed), and a session whose ending
   * threw (by user). The server's structured log, or a function given one line each.
   */
  log?: ServerLog | ((line: string) => void);
}

/** One interactive session: whose it is, the web session it came from, how to end it. */
interface Watch {
  user: string;
  token: string | undefined;
  /** The password hash when the watch began (UsersStore.passwordStamp). */
  stamp: string | undefined;
  end: (message: string, why: SessionEnd) => void;
}

/** What the person reads when their session is ended (one line, no line end). */
export function endMessage(user: string, why: SessionEnd): string {
  switch (why) {
    case "removed":
      return `routelab: ${user}'s account was removed; logged out.`;
    case "logout":
      return "routelab: logged out (in another tab, or by a script); log in again.";
    case "expired":
      return "routelab: your login expired; log in again.";
    case "idle":
      return "routelab: your login went unused too long; log in again.";
    case "password":
      return `routelab: ${user}'s password was changed; log in again.`;
    case "revoked":
    case "evicted":
      return "routelab: your login was ended by the server; log in again.";
  }
}

export class SessionGuard {
  private readonly watches = new Set<Watch>();
  private timer: ReturnType<typeof setInterval> | undefined;
  private unlisten: (() => void) | undefined;
  /** The last failed check's error, so that one failing every tick is logged once. */
  private lastFailure: string | undefined;
  /** Checks failed in a row (told when one succeeds again). */
  private failures = 0;
  private readonly log: ServerLog;

  constructor(private readonly o: SessionGuardOptions) {
    this.log = typeof o.log === "function" ? lineLog(o.log) : (o.log ?? silentLog);
  }

  /**
   * Watches one interactive session of `user`, opened from web session `token` if given: `end`
   * runs once, with the message to show, when the login no longer holds. Returns the function
   * to call when the session closes by itself.
   */
  watch(
    who: { user: string; token?: string | undefined },
    end: (message: string, why: SessionEnd) => void,
  ): () => void {
    const w: Watch = { user: who.user, token: who.token, stamp: this.o.users.passwordStamp(who.user), end };
    this.watches.add(w);
    this.start();
    return () => this.forget(w);
  }

  /** Watched sessions (tests). */
  get size(): number {
    return this.watches.size;
  }

  /**
   * Re-reads the users file and drops expired web sessions, ending the watched sessions of
   * removed users and of ended web sessions. The timer calls it; tests may too.
   */
  check(): void {
    this.o.users.refresh();
    const removed = new Set<string>();
    for (const w of [...this.watches])
      if (this.o.users.role(w.user) === undefined) {
        removed.add(w.user);
        this.fire(w, "removed");
      }
    for (const user of removed) this.o.sessions?.revokeUser(user, "removed");
    const users = this.o.users;
    // Web sessions from before a password change end (their terminals with them), and so do
    // the SSH connections logged in before it.
    this.o.sessions?.revokeIf((s) => passwordChanged(users, s), "password");
    for (const w of [...this.watches])
      if (w.token === undefined && passwordChanged(users, w)) this.fire(w, "password");
    this.o.sessions?.sweep();
  }

  private sessionEnded(s: Session, why: SessionEnd): void {
    for (const w of [...this.watches]) if (w.token === s.token) this.fire(w, why);
  }

  /**
   * Ends one watched session. One whose ending throws (its connection half gone) must not keep
   * the others of this check from ending: it is reported with whose it was and why.
   */
  private fire(w: Watch, why: SessionEnd): void {
    if (!this.forget(w)) return;
    try {
      w.end(endMessage(w.user, why), why);
    } catch (e) {
      this.log.error(
        { event: "session-guard", user: w.user, why, err: e },
        `session guard: ending ${w.user}'s session (${why}) failed: ${errorTrace(e)}`,
      );
    }
  }

  private forget(w: Watch): boolean {
    const was = this.watches.delete(w);
    if (this.watches.size === 0) this.stop();
    return was;
  }

  private start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      try {
        this.check();
        if (this.failures > 0)
          this.log.warn(
            { event: "session-guard", failures: this.failures },
            `session guard: checking logins works again after ${this.failures} failed check(s)`,
          );
        this.failures = 0;
        this.lastFailure = undefined;
      } catch (e) {
        // Not a bad users file (UsersStore.refresh keeps the users in force and reports that at
        // the next login): a bug, reported once with its stack; the next tick tries again.
        const text = errorTrace(e);
        this.failures++;
        if (text !== this.lastFailure)
          this.log.error(
            { event: "session-guard", err: e },
            `session guard: checking logins failed: ${text}`,
          );
        this.lastFailure = text;
      }
    }, this.o.intervalMs ?? 2000);
    this.timer.unref?.();
    this.unlisten = this.o.sessions?.onEnd((s, why) => this.sessionEnded(s, why));
  }

  private stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.unlisten?.();
    this.unlisten = undefined;
  }
}

/** An error's stack (its message and where it was thrown), or what was thrown. */
function errorTrace(e: unknown): string {
  return e instanceof Error ? (e.stack ?? e.message) : String(e);
}
