/**
 * @module sim/tcp/socket
 * What programs see of TCP (the BSD socket calls, event-driven because everything runs on the
 * simulator's clock): `connect` gives a TcpSocket that reports `connected`, `data`, `end` and
 * `closed`; `listen` gives a TcpListener whose `connection` handler gets accepted sockets.
 */
import type { Ipv4 } from "../../core/ip.js";

/** RFC 9293 §3.3.2 states. */
export type TcpState =
  | "CLOSED"
  | "LISTEN"
  | "SYN_SENT"
  | "SYN_RECEIVED"
  | "ESTABLISHED"
  | "FIN_WAIT_1"
  | "FIN_WAIT_2"
  | "CLOSE_WAIT"
  | "CLOSING"
  | "LAST_ACK"
  | "TIME_WAIT";

/** Why a connection failed, as errno names (FreeBSD's strerror in apps/errno.ts prints them). */
export type TcpError =
  | "ECONNREFUSED" // a RST answered our SYN
  | "ECONNRESET" // a RST ended an established connection
  | "ETIMEDOUT" // no answer: SYN or data retransmitted to the limit
  | "ENETUNREACH"
  | "EHOSTUNREACH"
  | "ENETDOWN"
  | "EADDRINUSE"
  | "EADDRNOTAVAIL";

/** Callbacks a program sets on a socket; each is optional. */
export interface TcpHandlers {
  /** The three-way handshake completed (for `connect`). */
  connected?: () => void;
  /** Bytes are waiting: call `read()`. */
  data?: () => void;
  /** The peer closed its side (FIN); `read()` returns what is left, then nothing. */
  end?: () => void;
  /** Room came free in the send buffer after a short `write`. */
  writable?: () => void;
  /** The connection is gone: an error, or undefined after an orderly close. */
  closed?: (error?: TcpError) => void;
}

export interface TcpSocket {
  readonly localAddr: Ipv4;
  readonly localPort: number;
  readonly remoteAddr: Ipv4;
  readonly remotePort: number;
  readonly state: TcpState;
  /** Who its segments are charged to: the caller of connect, or the sender of an accepted SYN. */
  readonly user: string;
  handlers: TcpHandlers;
  /** Queues bytes for sending; returns how many fit in the send buffer (32 KiB). */
  write(data: Uint8Array): number;
  /** Takes up to `max` received bytes (all when absent). */
  read(max?: number): Uint8Array;
  /** Bytes waiting to be read. */
  readonly readable: number;
  /** True once the peer's FIN was received and every byte before it read. */
  readonly eof: boolean;
  /** Half close: a FIN after the queued bytes (shutdown(SHUT_WR)). */
  shutdown(): void;
  /** Close: shutdown, and no more data will be read. */
  close(): void;
  /** Abortive close: a RST, the connection forgotten (SO_LINGER 0). */
  abort(): void;
}

export interface TcpListener {
  readonly port: number;
  /** Called for each connection that completed its handshake (the accept queue is drained into it). */
  connection?: (s: TcpSocket) => void;
  close(): void;
}

/** Options of connect and listen. */
export interface TcpOpenOptions {
  /** User charged for the segments (colour in the picture). */
  user?: string;
  /** Local port for connect; default an ephemeral port. */
  srcPort?: number;
  /** Source address for connect; default the outgoing interface's. */
  src?: Ipv4;
  /** Listen backlog (FreeBSD: at most somaxconn 128); default 128. */
  backlog?: number;
}
