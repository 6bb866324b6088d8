/**
 * @module server/limits
 * Fair shares, so one person cannot drown the room: each user may run only a few commands at
 * once (over all their SSH sessions and browser tabs) and each command's output is capped. The
 * same UserLimits object serves SSH and the page.
 */

import { MAX_COMMAND_LINE } from "../core/limits.js";

/** Longest command line a person may send (core/limits.ts owns it). */
export { MAX_COMMAND_LINE };

export interface UserLimitOptions {
  /** Commands one user may run at once (default 4). */
  maxConcurrent?: number;
  /** Characters of output one command may print before it is stopped (default 1 MiB). */
  maxOutput?: number;
  /** Interactive sessions (SSH or web terminals) one user may hold at once (default 8). */
  maxSessions?: number;
}

export class UserLimits {
  readonly maxConcurrent: number;
  readonly maxOutput: number;
  readonly maxSessions: number;
  private readonly running = new Map<string, number>();
  private readonly sessions = new Map<string, number>();

  constructor(o: UserLimitOptions = {}) {
    this.maxConcurrent = o.maxConcurrent ?? 4;
    this.maxOutput = o.maxOutput ?? 1024 * 1024;
    this.maxSessions = o.maxSessions ?? 8;
  }

  /** Claims a command slot: the release function, or the refusal message. */
  startCommand(user: string): (() => void) | string {
    return this.claim(this.running, user, this.maxConcurrent, "commands running");
  }

  /** Claims a session slot: the release function, or the refusal message. */
  startSession(user: string): (() => void) | string {
    return this.claim(this.sessions, user, this.maxSessions, "sessions open");
  }

  /** Commands `user` is running now. */
  commandsOf(user: string): number {
    return this.running.get(user) ?? 0;
  }
  sessionsOf(user: string): number {
    return this.sessions.get(user) ?? 0;
  }

  private claim(m: Map<string, number>, user: string, max: number, what: string): (() => void) | string {
    const n = m.get(user) ?? 0;
    if (n >= max) return `${user}: too many ${what} (limit ${max}); finish one first`;
    m.set(user, n + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const k = (m.get(user) ?? 1) - 1;
      if (k <= 0) m.delete(user);
      else m.set(user, k);
    };
  }
}
