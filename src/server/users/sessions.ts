/**
 * @module server/users/sessions
 * Login sessions for the web page: an unguessable random token (256 bits, base64url) handed out
 * at login, kept in memory only, and valid until it expires (absolute lifetime) or sits unused
 * too long (idle timeout). Restarting the server logs everyone out, which is fine for a class.
 */
import { randomBytes } from "node:crypto";
import type { Role } from "./store.js";

export interface Session {
  token: string;
  user: string;
  role: Role;
  created: number;
  lastSeen: number;
  expires: number;
}

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

  constructor(o: SessionOptions = {}) {
    this.ttlMs = o.ttlMs ?? 12 * 3600_000;
    this.idleMs = o.idleMs ?? 2 * 3600_000;
    this.max = o.max ?? 5000;
    this.now = o.now ?? Date.now;
  }

  /** Starts a session; returns it with its token. */
  create(user: string, role: Role): Session {
    const t = this.now();
    if (this.sessions.size >= this.max) this.sweep(true);
    const token = randomBytes(32).toString("base64url");
    const s: Session = { token, user, role, created: t, lastSeen: t, expires: t + this.ttlMs };
    this.sessions.set(token, s);
    return s;
  }

  /** The live session for a token (refreshing its idle timer), or undefined. */
  get(token: string | undefined): Session | undefined {
    if (!token || token.length > 100) return undefined;
    const s = this.sessions.get(token);
    if (!s) return undefined;
    const t = this.now();
    if (t >= s.expires || t - s.lastSeen >= this.idleMs) {
      this.sessions.delete(token);
      return undefined;
    }
    s.lastSeen = t;
    return s;
  }

  /** Logs out one session. */
  revoke(token: string): boolean {
    return this.sessions.delete(token);
  }

  /** Logs out every session of a user (their account was removed or changed). */
  revokeUser(user: string): number {
    let n = 0;
    for (const [k, s] of this.sessions)
      if (s.user === user) {
        this.sessions.delete(k);
        n++;
      }
    return n;
  }

  get size(): number {
    return this.sessions.size;
  }

  /** Drops expired sessions; with `force`, also the oldest tenth when still full. */
  sweep(force = false): void {
    const t = this.now();
    for (const [k, s] of this.sessions)
      if (t >= s.expires || t - s.lastSeen >= this.idleMs) this.sessions.delete(k);
    if (force && this.sessions.size >= this.max) {
      let n = Math.ceil(this.max / 10);
      for (const k of this.sessions.keys()) {
        if (n-- <= 0) break;
        this.sessions.delete(k);
      }
    }
  }
}
