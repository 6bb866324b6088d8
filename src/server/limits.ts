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

/**
 * Counts held slots per key (a user, an address) with a cap: the SSH server, the HTTP server
 * and UserLimits all claim through one of these, so a slot is always given back exactly once.
 */
export class SlotCounter {
  private readonly held = new Map<string, number>();

  /** Slots `key` holds now. */
  count(key: string): number {
    return this.held.get(key) ?? 0;
  }

  /** Claims one slot of at most `max`: the release function, or undefined when full. */
  claim(key: string, max: number): (() => void) | undefined {
    const n = this.count(key);
    if (n >= max) return undefined;
    this.held.set(key, n + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const k = this.count(key) - 1;
      if (k <= 0) this.held.delete(key);
      else this.held.set(key, k);
    };
  }
}

export class UserLimits {
  readonly maxConcurrent: number;
  readonly maxOutput: number;
  readonly maxSessions: number;
  private readonly running = new SlotCounter();
  private readonly sessions = new SlotCounter();

  constructor(o: UserLimitOptions = {}) {
    this.maxConcurrent = o.maxConcurrent ?? 4;
    this.maxOutput = o.maxOutput ?? 1024 * 1024;
    this.maxSessions = o.maxSessions ?? 8;
  }

  /** Claims a command slot: the release function, or the refusal message. */
  startCommand(user: string): (() => void) | string {
    return (
      this.running.claim(user, this.maxConcurrent) ?? refusal(user, this.maxConcurrent, "commands running")
    );
  }

  /** Claims a session slot: the release function, or the refusal message. */
  startSession(user: string): (() => void) | string {
    return this.sessions.claim(user, this.maxSessions) ?? refusal(user, this.maxSessions, "sessions open");
  }

  /** Commands `user` is running now. */
  commandsOf(user: string): number {
    return this.running.count(user);
  }
  sessionsOf(user: string): number {
    return this.sessions.count(user);
  }
}

function refusal(user: string, max: number, what: string): string {
  return `${user}: too many ${what} (limit ${max}); finish one first`;
}
