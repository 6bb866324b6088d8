/**
 * @module apps/xinetd
 * xinetd on a simulated node: it reads its configuration (apps/xinetd-config.ts), listens on
 * each service's port and, for every connection accepted, relays it to the service's
 * `redirect =` address as xinetd/redirect.c redir_handler does:
 * - the client's connection is accepted first (xinetd accepts for `wait = no` services), then a
 *   connection is opened to the target; when that fails ("can't connect to remote host"),
 *   the client's connection is closed;
 * - bytes are copied both ways as they come; when either side ends (read returns 0 or an
 *   error) both are closed — redir_handler `goto REDIROUT` and `exit(0)`; there is no half close;
 * - `only_from` refuses other clients by closing at once (xinetd's access control runs after
 *   accept), `bind` accepts on one address only.
 * The onward connection is charged to the client's user, so the map shows one connection
 * become two in the same colour. Messages go to the node's /var/log/syslog as
 * `xinetd[PID]: …` lines (bounded by the node's file limits), where a real one logs them.
 *
 * One xinetd per node; `reload` (SIGHUP) re-reads the files and reopens the listeners
 * (connections already relayed run on, as forked children do); a node crash kills it.
 */
import { formatIpv4, maskOf } from "../core/ip.js";
import type { Host } from "../sim/host.js";
import type { TcpListener, TcpSocket } from "../sim/tcp/socket.js";
import { strerror } from "./errno.js";
import { type ConfigFiles, readXinetdConfig, type XinetdService } from "./xinetd-config.js";

/** Where xinetd logs: appends a line to the node's syslog. */
export interface XinetdHost {
  host: Host;
  files: ConfigFiles & { write(path: string, content: string, append: boolean): unknown };
  pid: number;
  /** Registers a kill for a node crash; returns the function to call when xinetd stops itself. */
  addProcess?(kill: () => void): () => void;
}

const SYSLOG = "/var/log/syslog";

export class Xinetd {
  private listeners: TcpListener[] = [];
  private readonly relays = new Set<() => void>();
  private unregister: (() => void) | undefined;
  running = true;
  /** Services listening now (for `status`). */
  services: XinetdService[] = [];

  constructor(private readonly x: XinetdHost) {
    this.unregister = x.addProcess?.(() => this.stop(true));
    this.load();
  }

  private log(msg: string): void {
    this.x.files.write(SYSLOG, `xinetd[${this.x.pid}]: ${msg}\n`, true);
  }

  private load(): void {
    const conf = readXinetdConfig(this.x.files);
    for (const line of conf.log) this.log(line);
    const tcp = this.x.host.tcp;
    this.services = [];
    for (const s of conf.services) {
      const l = tcp?.listen(s.port, { user: "root", backlog: 64 });
      if (l === undefined || typeof l === "string") {
        this.log(
          `bind failed (${l === undefined ? "no TCP" : strerror(l)} (errno = ${l})). service = ${s.name}`,
        );
        continue;
      }
      l.connection = (sock) => this.accepted(s, sock);
      this.listeners.push(l);
      this.services.push(s);
    }
    const n = this.services.length;
    this.log(`Started working: ${n} available service${n === 1 ? "" : "s"}`);
  }

  /** SIGHUP: the configuration read again, listeners reopened. */
  reload(): void {
    if (!this.running) return;
    for (const l of this.listeners) l.close();
    this.listeners = [];
    this.log("Starting reconfiguration");
    this.load();
  }

  /** SIGTERM (or the node crashed: `crashed`, nothing is sent). */
  stop(crashed = false): void {
    if (!this.running) return;
    this.running = false;
    for (const l of this.listeners) l.close();
    this.listeners = [];
    if (!crashed) {
      for (const r of [...this.relays]) r();
      this.log("Exiting...");
      this.unregister?.();
    }
    this.relays.clear();
  }

  private accepted(s: XinetdService, client: TcpSocket): void {
    if (s.bind !== undefined && client.localAddr !== s.bind) return client.abort();
    if (
      s.onlyFrom !== undefined &&
      !s.onlyFrom.some((p) => (client.remoteAddr & maskOf(p.len)) >>> 0 === p.addr)
    ) {
      this.log(`FAIL: ${s.name} address from=${formatIpv4(client.remoteAddr)}`);
      return client.close();
    }
    this.log(`START: ${s.name} from=${formatIpv4(client.remoteAddr)}`);
    const server = this.x.host.tcp!.connect(s.redirect.addr, s.redirect.port, { user: client.user });
    if (typeof server === "string") {
      this.log(`can't connect to remote host ${formatIpv4(s.redirect.addr)}: ${strerror(server)}`);
      return client.close();
    }
    this.relay(s, client, server);
  }

  private relay(s: XinetdService, client: TcpSocket, server: TcpSocket): void {
    let done = false;
    let connected = false;
    // What the client sent before the onward connection was up waits in its socket buffer.
    const finish = () => {
      if (done) return;
      done = true;
      this.relays.delete(finish);
      client.close();
      server.close();
    };
    this.relays.add(finish);
    const pump = (from: TcpSocket, to: TcpSocket) => {
      const b = from.read(64 * 1024);
      if (b.length > 0) to.write(b);
      if (from.eof) finish();
    };
    client.handlers = {
      data: () => connected && pump(client, server),
      // Until the onward connect() returns, redir_handler reads nothing: an early FIN waits.
      end: () => connected && pump(client, server),
      closed: finish,
    };
    server.handlers = {
      connected: () => {
        connected = true;
        if (client.readable > 0 || client.eof) pump(client, server);
      },
      data: () => pump(server, client),
      end: () => pump(server, client),
      closed: (e) => {
        if (!connected)
          this.log(
            `can't connect to remote host ${formatIpv4(s.redirect.addr)}: ${strerror(e ?? "ECONNRESET")}`,
          );
        finish();
      },
    };
  }
}

/** One xinetd per host: the running one, if any. */
const running = new WeakMap<Host, Xinetd>();

export function xinetdOf(host: Host): Xinetd | undefined {
  const x = running.get(host);
  return x?.running ? x : undefined;
}

/** Starts xinetd on the host; undefined when one already runs there. */
export function startXinetd(x: XinetdHost): Xinetd | undefined {
  if (xinetdOf(x.host) !== undefined) return undefined;
  const d = new Xinetd(x);
  running.set(x.host, d);
  return d;
}
