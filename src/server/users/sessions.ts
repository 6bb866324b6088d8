/**
 * @module server/users/sessions
 * Login sessions for the web page: an unguessable random token (256 bits, base64url) handed out
 * at login, kept in memory only, and valid until it expires (absolute lifetime) or sits unused
 * too long (idle timeout). Restarting the server logs everyone out, which is fine for a class.
 * Every end is reported (`onEnd`), so what a login opened (the page's terminals) ends with it.
 */
import { randomBytes } from "node:crypto";
import type { Role, UsersStore } from "./store.js";

export interface Session {
  token: string;
  user: string;
  role: Role;
  created: number;
  lastSeen: number;
  expires: number;
  /** The user's password hash at login (UsersStore.passwordStamp): a changed password ends the session. */
  stamp?: string | undefined;
}

/**
 * Why a session ended: logged out (`revoke`), past its lifetime, unused too long, its user
 * removed from the users file, its user's password changed, ended by the server (`revokeUser`), or pushed out of a full store.
 */
export type SessionEnd = "logout" | "expired" | "idle" | "removed" | "password" | "revoked" | "evicted";

export interface SessionOptions {
  /** Absolute lifetime, ms (default 12 h: one teaching day). */
  ttlMs?: number;
  /** Idle timeout, ms (default 2 h). */
  idleMs?: number;
  /** Most sessions kept at once (default 5000); the oldest go first. */
  max?: number;
  now?: () => number;
}

export class SessionStore {
  private readonly sessions = new Map<string, Session>();
  private readonly ttlMs: number;
  private readonly idleMs: number;
  private readonly max: number;
  private readonly now: () => number;
  private readonly listeners = new Set<(s: Session, why: SessionEnd) => void>();

  constructor(o: SessionOptions = {}) {
    this.ttlMs = o.ttlMs ?? 12 * 3600_000;
    this.idleMs = o.idleMs ?? 2 * 3600_000;
    this.max = o.max ?? 5000;
    this.now = o.now ?? Date.now;
  }

  /** Starts a session; returns it with its token. */
  create(user: string, role: Role, stamp?: string): Session {
    const t = this.now();
    if (this.sessions.size >= this.max) this.sweep(true);
    const token = randomBytes(32).toString("base64url");
    const s: Session = { token, user, role, created: t, lastSeen: t, expires: t + this.ttlMs, stamp };
    this.sessions.set(token, s);
    return s;
  }

  /** The live session for a token (refreshing its idle timer), or undefined. */
  get(token: string | undefined): Session | undefined {
    if (!token || token.length > 100) return undefined;
    const s = this.sessions.get(token);
    if (!s) return undefined;
    const t = this.now();
    const why = this.over(s, t);
    if (why) {
      this.end(s, why);
      return undefined;
    }
    s.lastSeen = t;
    return s;
  }

  /** Logs out one session. */
  revoke(token: string, why: SessionEnd = "logout"): boolean {
    const s = this.sessions.get(token);
    if (s) this.end(s, why);
    return s !== undefined;
  }

  /** Logs out every session of a user (their account was removed or changed). */
  revokeUser(user: string, why: SessionEnd = "revoked"): number {
    let n = 0;
    for (const s of [...this.sessions.values()])
      if (s.user === user) {
        this.end(s, why);
        n++;
      }
    return n;
  }

  /** Ends every session `doomed` picks, with reason `why`; returns how many. */
  revokeIf(doomed: (s: Session) => boolean, why: SessionEnd): number {
    let n = 0;
    for (const s of [...this.sessions.values()])
      if (doomed(s)) {
        this.end(s, why);
        n++;
      }
    return n;
  }

  /** Calls `fn` whenever a session ends, with the reason; returns the function that stops it. */
  onEnd(fn: (s: Session, why: SessionEnd) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private over(s: Session, t: number): SessionEnd | undefined {
    if (t >= s.expires) return "expired";
    if (t - s.lastSeen >= this.idleMs) return "idle";
    return undefined;
  }

  private end(s: Session, why: SessionEnd): void {
    this.sessions.delete(s.token);
    for (const fn of [...this.listeners]) fn(s, why);
  }

  get size(): number {
    return this.sessions.size;
  }

  /** Drops expired sessions; with `force`, also the oldest tenth when still full. */
  sweep(force = false): void {
    const t = this.now();
    for (const s of [...this.sessions.values()]) {
      const why = this.over(s, t);
      if (why) this.end(s, why);
    }
    if (force && this.sessions.size >= this.max)
      for (const s of [...this.sessions.values()].slice(0, Math.ceil(this.max / 10))) this.end(s, "evicted");
  }
}

/** The user's password changed since `s` (a session, or a watched shell) logged in with it. */
export function passwordChanged(users: UsersStore, s: { user: string; stamp?: string | undefined }): boolean {
  return s.stamp !== undefined && users.passwordStamp(s.user) !== s.stamp;
}
