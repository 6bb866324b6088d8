/**
 * @module engines/netns/sshd
 * The in-lab `ssh` on the netns engine: the real OpenSSH on both ends. Every node's namespace
 * runs Debian's sshd on port 22 (`-D -e -f /dev/null`: no host configuration, a host key and
 * one authorized key of the lab's own, in the lab's state directory), and a terminal's
 * `ssh HOST` is the real `ssh` client run in its node's namespace, connecting to HOST port 22
 * through the namespaces' real routes, iptables and xinetd. The session lands on the node whose
 * sshd accepted it: the client runs `ip netns identify` there (the namespace the accepting
 * sshd runs in), then `cat` holds the session open until `exit` ends its input.
 *
 * On the wire this is a real SSH-2 session (Wireshark decodes the key exchange), with Debian
 * 12's identification strings (OpenSSH_9.2p1), not the simulator's FreeBSD 8 / Debian 6 ones.
 * The client's failures are OpenSSH's own (`ssh: connect to host H port 22: Connection
 * refused`); `Connection timed out` reads as FreeBSD's strerror (`Operation timed out`) and
 * the connect gives up after 75 s, as FreeBSD's does, so both engines print the same.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import type { ShellHop } from "../../shell/session.js";
import { run } from "./sys.js";

export interface NetnsSshDeps {
  stateDir: string;
  track(p: ChildProcess): void;
  log(s: string): void;
  netnsOf(node: string): string;
  /** The node a namespace belongs to (`ip netns identify`'s answer). */
  nodeOfNetns(netns: string): string | undefined;
  /** A node's address for a name, or undefined. */
  resolve(host: string): string | undefined;
}

const SSHD = "/usr/sbin/sshd";
/** How long an sshd may take to say it listens. */
const LISTEN_WAIT_MS = 5000;
/** FreeBSD's connect() gives up after 75 s (tcp_syncache, net.inet.tcp.keepinit). */
const CONNECT_TIMEOUT_S = 75;

export class NetnsSsh {
  private readonly sshd = new Map<string, ChildProcess>();
  /** Why the lab has no ssh (OpenSSH is not installed), or undefined. */
  private missing: string | undefined;

  constructor(private readonly d: NetnsSshDeps) {}

  private get hostKey(): string {
    return join(this.d.stateDir, "ssh_host_ed25519_key");
  }
  private get clientKey(): string {
    return join(this.d.stateDir, "ssh_client_ed25519_key");
  }

  /** The lab's keys (made once per lab), and sshd's privilege separation directory. */
  async prepare(): Promise<void> {
    const absent = [SSHD, "/usr/bin/ssh", "/usr/bin/ssh-keygen"].filter((f) => !existsSync(f));
    if (absent.length > 0) {
      // The rest of the lab runs without: `ssh` then says why (Debian: openssh-server, .ci/run).
      this.missing = `ssh: this host lacks ${absent.join(", ")} (Debian's openssh-server and openssh-client)`;
      this.d.log(`netns: ${this.missing}`);
      return;
    }
    mkdirSync("/run/sshd", { recursive: true, mode: 0o755 });
    for (const f of [this.hostKey, this.clientKey]) {
      const r = await run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "routelab", "-f", f]);
      if (r.code !== 0) throw new Error(`ssh-keygen: ${r.stderr.trim()}`);
    }
  }

  /** Starts the sshd of `node`; resolves once it listens (or after a bound, logged). */
  start(node: string): Promise<void> {
    if (this.missing !== undefined) return Promise.resolve();
    const netns = this.d.netnsOf(node);
    const p = spawn(
      "ip",
      [
        "netns",
        "exec",
        netns,
        SSHD,
        "-D",
        "-e",
        "-f",
        "/dev/null",
        "-h",
        this.hostKey,
        "-o",
        "ListenAddress=0.0.0.0:22",
        "-o",
        "PidFile=none",
        "-o",
        `AuthorizedKeysFile=${this.clientKey}.pub`,
        "-o",
        "PermitRootLogin=prohibit-password",
        "-o",
        "StrictModes=no",
        "-o",
        "UsePAM=no",
        "-o",
        "PasswordAuthentication=no",
        "-o",
        "KbdInteractiveAuthentication=no",
      ],
      { stdio: ["ignore", "ignore", "pipe"] },
    );
    this.d.track(p);
    this.sshd.set(node, p);
    p.on("error", (e) => this.d.log(`netns: ${node}: sshd: ${e.message}`));
    return new Promise((resolve) => {
      let err = "";
      const timer = setTimeout(() => {
        this.d.log(`netns: ${node}: sshd did not say it listens: ${err.trim().slice(0, 200)}`);
        resolve();
      }, LISTEN_WAIT_MS);
      p.stderr!.on("data", (b: Buffer) => {
        if (err.length < 4096) err += b.toString();
        if (/Server listening on 0\.0\.0\.0 port 22/.test(err)) {
          clearTimeout(timer);
          resolve();
        }
      });
      p.on("exit", () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** The node crashed: its sshd dies with it. */
  stop(node: string): void {
    this.sshd.get(node)?.kill("SIGTERM");
    this.sshd.delete(node);
  }

  /**
   * `ssh HOST` from `from` (Lab.ssh on netns). `tos`: the user's mark (user-marks.ts) on the
   * client's segments (`IPQoS`, a TOS byte), so the captures colour the connection as theirs
   * (tcp-flows.ts owns both directions by its first SYN).
   */
  connect(from: string, host: string, lost?: (message: string) => void, tos = 0): ShellHop {
    const addr = this.d.resolve(host);
    if (this.missing !== undefined) return { landed: Promise.resolve({ error: this.missing }), close() {} };
    if (addr === undefined)
      return {
        landed: Promise.resolve({
          error: `ssh: Could not resolve hostname ${host}: hostname nor servname provided, or not known`,
        }),
        close() {},
      };
    const p = spawn(
      "ip",
      [
        "netns",
        "exec",
        this.d.netnsOf(from),
        "ssh",
        "-F",
        "/dev/null",
        "-i",
        this.clientKey,
        "-o",
        "StrictHostKeyChecking=no",
        "-o",
        "UserKnownHostsFile=/dev/null",
        "-o",
        "BatchMode=yes",
        "-o",
        "LogLevel=ERROR",
        "-o",
        `ConnectTimeout=${CONNECT_TIMEOUT_S}`,
        ...(tos === 0 ? [] : ["-o", `IPQoS=${tos}`]),
        "-T",
        `root@${addr}`,
        "ip netns identify; exec cat",
      ],
      { stdio: ["pipe", "pipe", "pipe"] },
    );
    this.d.track(p);
    let settle!: (r: { node: string } | { error: string }) => void;
    let settled = false;
    const landed = new Promise<{ node: string } | { error: string }>((r) => {
      settle = (x) => {
        if (settled) return;
        settled = true;
        r(x);
      };
    });
    let out = "";
    let err = "";
    let closing = false;
    p.stdout!.on("data", (b: Buffer) => {
      if (settled || out.length > 1024) return;
      out += b.toString();
      const nl = out.indexOf("\n");
      if (nl < 0) return;
      const node = this.d.nodeOfNetns(out.slice(0, nl).trim());
      settle(node ? { node } : { error: `ssh: ${host}: the server on port 22 is no node of this lab` });
    });
    p.stderr!.on("data", (b: Buffer) => {
      if (err.length < 4096) err += b.toString();
    });
    p.on("error", (e) => settle({ error: `ssh: ${e.message}` }));
    p.on("exit", () => {
      if (!settled) return settle({ error: freebsdMessage(err, addr, host) });
      if (!closing) lost?.(`Connection to ${host} closed by remote host.`);
    });
    return {
      landed,
      close() {
        if (closing) return;
        closing = true;
        settle({ error: "" });
        // The end of input ends `cat`, the session, and the connection (a FIN); a client still
        // connecting is stopped.
        p.stdin!.end();
        if (p.exitCode === null) setTimeout(() => p.kill("SIGTERM"), 2000).unref();
      },
    };
  }
}

/** OpenSSH's last message, with the host as typed and FreeBSD's strerror for a timeout. */
export function freebsdMessage(stderr: string, addr: string, host: string): string {
  const lines = stderr.trim().split("\n").filter(Boolean);
  const last = lines[lines.length - 1] ?? "ssh: connection failed";
  return last
    .replace(`connect to host ${addr} port`, `connect to host ${host} port`)
    .replace(/Connection timed out$/, "Operation timed out")
    .trim();
}
