/**
 * @module apps/errno
 * strerror(3) texts (FreeBSD libc) for the errors a simulated send can fail with, so
 * `ping: sendto: No route to host` reads as on a real router.
 */

const STRERROR: Record<string, string> = {
  EPERM: "Operation not permitted",
  ESRCH: "No such process",
  EEXIST: "File exists",
  EINVAL: "Invalid argument",
  EMSGSIZE: "Message too long",
  ENETDOWN: "Network is down",
  ENETUNREACH: "Network is unreachable",
  EHOSTUNREACH: "No route to host",
  EHOSTDOWN: "Host is down",
  EADDRINUSE: "Address already in use",
  ENOBUFS: "No buffer space available",
  EADDRNOTAVAIL: "Can't assign requested address",
  ECONNREFUSED: "Connection refused",
  ECONNRESET: "Connection reset by peer",
  ETIMEDOUT: "Operation timed out",
};

/** The message FreeBSD's strerror gives for an errno name. */
export function strerror(code: string): string {
  return STRERROR[code] ?? code;
}
