/**
 * @module server/log
 * One structured log for the HTTP and SSH servers: fastify's pino logger. `routelab up` makes
 * one logger (`createServerLog`, level from `--log-level`) and hands it to both, so logins,
 * failed passwords, throttling and refused connections of either protocol land in the same
 * stream as JSON lines (`{"level":40,"event":"login-failed","proto":"ssh","user":…}`). A
 * password or key is never a field. Library callers (tests) may pass any object with the same
 * three methods, or nothing (silent).
 */
import pino from "pino";

/** The subset of a pino logger the servers use: a fields object, then the message. */
export interface ServerLog {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
  /** What is worth knowing only when looking for trouble (`--log-level debug`): a client gone mid-write. */
  debug?(fields: object, message: string): void;
}

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const silentLog: ServerLog = { info() {}, warn() {}, error() {} };

/** A ServerLog that writes each message as one text line (tests, and callers that print). */
export function lineLog(write: (line: string) => void): ServerLog {
  return { info: (_f, m) => write(m), warn: (_f, m) => write(m), error: (_f, m) => write(m) };
}

/** The pino logger `routelab up` shares between fastify and the SSH server: JSON lines on standard error. */
export function createServerLog(level: LogLevel = "info"): pino.Logger {
  return pino({ level, base: { pid: process.pid } }, pino.destination({ dest: 2, sync: true }));
}
