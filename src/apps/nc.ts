/**
 * @module apps/nc
 * netcat as FreeBSD 8 ships it (contrib/netcat/netcat.c, OpenBSD revision 1.98 of 2010-07-03,
 * read in the FreeBSD tree of February 2011), over the node's TCP:
 * - connect mode: try each port in turn (netcat.c:430-470); with `-v` or `-z` a success prints
 *   `Connection to HOST PORT port [tcp/SERVICE] succeeded!` (:453), with `-v` a failure prints
 *   `nc: connect to HOST port PORT (tcp) failed: REASON` (warn() at :593); `-z` closes at once,
 *   otherwise the connection is relayed (readwrite, :680-750): bytes from the network go to
 *   standard output, standard input goes to the network, its end is a shutdown(SHUT_WR), and
 *   the network's end (EOF) ends nc;
 * - listen mode (`-l`): one connection accepted and relayed the same way (:350-395);
 * - `-w secs`: readwrite's poll timeout (:701): nc ends when nothing happened for that long. In
 *   this revision it does not bound connect(), which the kernel gives up after 75 s.
 * Exit status 0 when a connection succeeded (`ret = 0`, :440), else 1.
 */
import type { Ipv4 } from "../core/ip.js";
import { SECOND } from "../core/time.js";
import type { Host, TimerHandle } from "../sim/host.js";
import type { TcpError, TcpListener, TcpSocket } from "../sim/tcp/socket.js";
import { strerror } from "./errno.js";
import { type Program, type ProgramIo, ProgramState } from "./process.js";

export interface NcOptions {
  listen: boolean;
  /** -k: after a connection ends, accept the next (netcat.c's listen loop, `if (!kflag) break`). */
  keep?: boolean;
  /** -z: connect and close, no data. */
  zero: boolean;
  verbose: boolean;
  /** -n: no service names. */
  numeric: boolean;
  /** -w: idle timeout, seconds. */
  idleSeconds?: number;
  /** -p: local port of connect. */
  srcPort?: number;
  /** The host as typed (messages print it so). */
  hostText: string;
  addr: Ipv4;
  ports: number[];
  user: string;
}

/** Names of FreeBSD's /etc/services for TCP ports nc may print (getservbyport, netcat.c:447). */
const SERVICES: Record<number, string> = {
  7: "echo",
  9: "discard",
  13: "daytime",
  19: "chargen",
  20: "ftp-data",
  21: "ftp",
  22: "ssh",
  23: "telnet",
  25: "smtp",
  37: "time",
  43: "nicname",
  53: "domain",
  79: "finger",
  80: "http",
  110: "pop3",
  111: "sunrpc",
  119: "nntp",
  143: "imap",
  179: "bgp",
  443: "https",
  513: "login",
  514: "shell",
  2601: "zebra",
  2602: "ripd",
};

/** Standard input kept while no connection can take it (bounded: a pipe's buffer is too). */
const STDIN_LIMIT = 1 << 20;

const encoder = new TextEncoder();

/** Starts nc on `host`; its output goes to `io`. */
export function startNc(host: Host, o: NcOptions, io: ProgramIo): Program {
  return new Nc(host, o, io).program;
}

class Nc {
  readonly program = new ProgramState();
  private sock: TcpSocket | undefined;
  /** -k: connections accepted while one is relayed, taken in turn (at most the backlog's 5). */
  private waiting: TcpSocket[] = [];
  private listener: TcpListener | undefined;
  private stdin: Uint8Array[] = [];
  private stdinBytes = 0;
  private stdinEnded = false;
  private idle: TimerHandle | undefined;
  private ok = false;
  private readonly decoder = new TextDecoder();

  constructor(
    private readonly host: Host,
    private readonly o: NcOptions,
    private readonly io: ProgramIo,
  ) {
    const p = this.program;
    p.input = (text) => this.input(text);
    p.endInput = () => this.endInput();
    p.onInterrupt = () => this.end(130);
    const kill = p.kill.bind(p);
    p.kill = () => {
      this.stop(false);
      kill();
    };
    if (host.tcp === undefined) {
      io.err("nc: TCP is not available on this engine\n");
      p.exit(1);
      return;
    }
    if (o.listen) this.listen();
    else this.next(0);
  }

  // ---- connect mode -------------------------------------------------------------------------

  private next(i: number): void {
    if (!this.program.running) return;
    if (i >= this.o.ports.length) return this.end(this.ok ? 0 : 1);
    const port = this.o.ports[i]!;
    const s = this.host.tcp!.connect(this.o.addr, port, { user: this.o.user, srcPort: this.o.srcPort });
    if (typeof s === "string") {
      this.failed(port, s);
      return this.next(i + 1);
    }
    this.sock = s;
    s.handlers = {
      connected: () => {
        this.ok = true;
        if (this.o.verbose || this.o.zero) {
          const name = this.o.numeric ? undefined : SERVICES[port];
          this.io.err(`Connection to ${this.o.hostText} ${port} port [tcp/${name ?? "*"}] succeeded!\n`);
        }
        if (this.o.zero) {
          s.close();
          this.sock = undefined;
          return this.next(i + 1);
        }
        this.relay(s);
      },
      closed: (e) => {
        this.sock = undefined;
        this.failed(port, e ?? "ECONNRESET");
        this.next(i + 1);
      },
    };
  }

  private failed(port: number, e: TcpError): void {
    if (this.o.verbose)
      this.io.err(`nc: connect to ${this.o.hostText} port ${port} (tcp) failed: ${strerror(e)}\n`);
  }

  // ---- listen mode --------------------------------------------------------------------------

  private listen(): void {
    const port = this.o.ports[0]!;
    const l = this.host.tcp!.listen(port, { user: this.o.user, backlog: 5 });
    if (typeof l === "string") {
      this.io.err(`nc: ${strerror(l)}\n`);
      return this.program.exit(1);
    }
    this.listener = l;
    l.connection = (s) => {
      if (this.sock !== undefined) {
        // One at a time: later ones wait (reset at exit); with -k they are taken in turn.
        if (this.o.keep && this.waiting.length < 5) this.waiting.push(s);
        return;
      }
      this.ok = true;
      this.relay(s);
    };
  }

  // ---- readwrite ----------------------------------------------------------------------------

  private relay(s: TcpSocket): void {
    this.sock = s;
    s.handlers = {
      data: () => this.fromNet(s),
      end: () => {
        this.fromNet(s);
        this.over(s);
      },
      writable: () => this.flush(),
      closed: () => this.over(s),
    };
    this.touch();
    this.flush();
    if (s.readable > 0) this.fromNet(s);
  }

  private fromNet(s: TcpSocket): void {
    const b = s.read();
    if (b.length === 0) return;
    this.touch();
    this.io.out(this.decoder.decode(b, { stream: true }));
  }

  private input(text: string): void {
    if (this.stdinEnded || !this.program.running) return;
    const b = encoder.encode(text);
    if (this.stdinBytes + b.length > STDIN_LIMIT) return;
    this.stdin.push(b);
    this.stdinBytes += b.length;
    this.flush();
  }

  private endInput(): void {
    this.stdinEnded = true;
    this.flush();
  }

  /** Moves standard input to the connection as far as its send buffer takes it; at its end, shutdown(SHUT_WR). */
  private flush(): void {
    const s = this.sock;
    if (s === undefined || s.state === "SYN_SENT" || s.state === "SYN_RECEIVED") return;
    while (this.stdin.length > 0) {
      const head = this.stdin[0]!;
      const n = s.write(head);
      this.stdinBytes -= n;
      if (n === head.length) this.stdin.shift();
      else {
        this.stdin[0] = head.subarray(n);
        return;
      }
      this.touch();
    }
    if (this.stdinEnded) s.shutdown();
  }

  /** -w: nothing for that long ends nc, as poll() returning 0 does. */
  private touch(): void {
    if (this.o.idleSeconds === undefined) return;
    this.idle?.cancel();
    this.idle = this.host.timer(this.o.idleSeconds * SECOND, () => this.end(this.ok ? 0 : 1));
  }

  /**
   * Releases the sockets. `graceful`: nc exits and the kernel closes its descriptors (a FIN);
   * otherwise the router crashed, nothing more leaves it, and its TCP forgets the connection.
   */
  private stop(graceful = true): void {
    this.idle?.cancel();
    this.idle = undefined;
    if (graceful) this.listener?.close();
    this.listener = undefined;
    for (const w of this.waiting) if (graceful) w.close();
    this.waiting = [];
    const s = this.sock;
    this.sock = undefined;
    if (s !== undefined) {
      s.handlers = {};
      if (graceful) s.close();
    }
  }

  /** A relayed connection ended: nc ends, or with -l -k closes it and takes the next. */
  private over(s: TcpSocket): void {
    if (!this.o.keep || !this.o.listen) return this.end(0);
    s.handlers = {};
    s.close();
    this.sock = undefined;
    const next = this.waiting.shift();
    if (next !== undefined) this.relay(next);
  }

  private end(code: number): void {
    if (!this.program.running) return;
    this.stop();
    this.program.exit(code);
  }
}
