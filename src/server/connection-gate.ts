/**
 * @module server/connection-gate
 * Admission of TCP connections, per source address, for the HTTP and the SSH server alike: a
 * cap on all connections, a cap per address (one machine cannot take every slot, nor every
 * file handle), and — for SSH — a smaller cap on connections of one address that have not
 * logged in yet, each of which is closed when it has not logged in within `graceMs`. A refused
 * socket is destroyed at once, before any byte is read from it.
 */
import type { Socket } from "node:net";
import { SlotCounter } from "./limits.js";
import { type ServerLog, silentLog } from "./log.js";
import { sourceKey } from "./source-address.js";

export interface GateLimits {
  /** Most connections open at once, from all addresses. */
  total: number;
  /** Most connections open at once from one address. */
  perAddress: number;
  /** Most connections of one address not logged in yet (default: perAddress). */
  unauthenticatedPerAddress?: number;
  /** A connection not logged in after this long is closed, ms (default: never). */
  graceMs?: number;
}

/** An admitted connection: its address key, and the call that marks it logged in. */
export interface Admitted {
  readonly addr: string;
  loggedIn(): void;
}

const ALL = "";

export class ConnectionGate {
  private readonly open = new SlotCounter();
  private readonly waiting = new SlotCounter();
  private readonly bySocket = new Map<string, Admitted>();

  constructor(
    readonly limits: GateLimits,
    private readonly log: ServerLog = silentLog,
    private readonly proto = "tcp",
  ) {}

  /** Admits `socket` or destroys it; admitted sockets give their slots back when they close. */
  admit(socket: Socket): Admitted | undefined {
    const addr = sourceKey(socket.remoteAddress);
    const l = this.limits;
    const refuse = (why: string) => {
      this.log.warn(
        { event: "connection-refused", proto: this.proto, addr, why },
        `${this.proto}: refused connection from ${addr}: ${why}`,
      );
      socket.destroy();
      return undefined;
    };
    if (this.open.count(ALL) >= l.total) return refuse(`${l.total} connections open`);
    if (this.open.count(addr) >= l.perAddress)
      return refuse(`${l.perAddress} connections open from this address`);
    const unauth = l.unauthenticatedPerAddress ?? l.perAddress;
    const wait = this.waiting.claim(addr, unauth);
    if (!wait) return refuse(`${unauth} connections from this address not logged in yet`);
    const releaseAll = this.open.claim(ALL, l.total)!;
    const releaseAddr = this.open.claim(addr, l.perAddress)!;
    const timer =
      l.graceMs !== undefined
        ? setTimeout(() => {
            this.log.info(
              { event: "login-timeout", proto: this.proto, addr },
              `${this.proto}: ${addr}: not logged in within ${l.graceMs} ms; closed`,
            );
            socket.destroy();
          }, l.graceMs)
        : undefined;
    timer?.unref?.();
    const id = `${socket.remoteAddress}|${socket.remotePort}`;
    const admitted: Admitted = {
      addr,
      loggedIn: () => {
        clearTimeout(timer);
        wait();
      },
    };
    this.bySocket.set(id, admitted);
    socket.once("close", () => {
      clearTimeout(timer);
      wait();
      releaseAddr();
      releaseAll();
      this.bySocket.delete(id);
    });
    return admitted;
  }

  /** The admitted connection from this remote address and port (the SSH library reports both). */
  find(ip: string | undefined, port: number | undefined): Admitted | undefined {
    return this.bySocket.get(`${ip}|${port}`);
  }

  /** Connections open now, in all or from one address key. */
  count(addr?: string): number {
    return this.open.count(addr ?? ALL);
  }
}
