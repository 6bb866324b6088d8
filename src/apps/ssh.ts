/**
 * @module apps/ssh
 * The in-lab `ssh ADDR` over the node's TCP, and the sshd every node runs on port 22.
 *
 * What is real: the TCP connection to port 22 of the address typed (so routes, filters, NAT and
 * relays on the way apply, and the map and a capture show it), and the identification strings
 * of RFC 4253 §4.2 — `SSH-2.0-softwareversion SP comments CR LF`, the server's first, then the
 * client's, as OpenSSH 5.x exchanges them (sshconnect.c ssh_exchange_identification reads the
 * server's line before it sends its own). The versions are those the seed's systems ran:
 * FreeBSD 8.0's OpenSSH 5.2p1 (crypto/openssh/version.h, SSH_VERSION_BASE "OpenSSH_5.2p1",
 * SSH_VERSION_ADDENDUM "FreeBSD-20090522") and Debian 6.0's openssh 1:5.5p1-6 for `os: linux`.
 *
 * What is not: no key exchange follows. A browser-safe SSH-2 transport over the simulated TCP is
 * not built, so after the identification strings the server names itself in clear — one line,
 * its host name, standing in for the host key a real client would check — and the connection
 * stays open, idle, as long as the session is on that node; `exit` closes it (FIN). The
 * commands typed there run on the node the server named; their bytes do not cross the
 * connection. Wireshark decodes the two identification lines as SSH ("Protocol (SSH-2.0-…)")
 * and nothing after them as a key exchange, because there is none.
 *
 * Failures read as FreeBSD 8's ssh prints them and exit 255: `ssh: connect to host H port 22:
 * Connection refused` (sshconnect.c ssh_connect, strerror of the connect), and
 * `ssh_exchange_identification: Connection closed by remote host` when the peer closes before
 * its identification (a relay with nowhere to go).
 */
import type { Ipv4 } from "../core/ip.js";
import type { Host } from "../sim/host.js";
import type { TcpListener, TcpSocket } from "../sim/tcp/socket.js";
import { strerror } from "./errno.js";

/** The identification string (RFC 4253 §4.2, without CR LF) of a node's OpenSSH, by OS. */
export function sshIdentification(os: "freebsd" | "linux"): string {
  return os === "linux" ? "SSH-2.0-OpenSSH_5.5p1 Debian-6" : "SSH-2.0-OpenSSH_5.2p1 FreeBSD-20090522";
}

/** RFC 4253 §4.2: an identification line is at most 255 characters with its CR LF. */
const MAX_LINE = 255;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Reads CR LF / LF terminated lines from a socket, bounded; `undefined` past the bound. */
class LineReader {
  private buf = "";
  take(s: TcpSocket): string[] | undefined {
    this.buf += decoder.decode(s.read(), { stream: true });
    const lines: string[] = [];
    for (;;) {
      const nl = this.buf.indexOf("\n");
      if (nl < 0) break;
      lines.push(this.buf.slice(0, nl).replace(/\r$/, ""));
      this.buf = this.buf.slice(nl + 1);
    }
    return this.buf.length > MAX_LINE ? undefined : lines;
  }
}

/** The sshd of one node: listens on port 22 until the node crashes (its TCP forgets it). */
export function startSshd(host: Host, os: "freebsd" | "linux"): TcpListener | undefined {
  const l = host.tcp?.listen(22, { user: "root", backlog: 128 });
  if (l === undefined || typeof l === "string") return undefined;
  l.connection = (s) => serve(s, host.name, os);
  return l;
}

function serve(s: TcpSocket, hostname: string, os: "freebsd" | "linux"): void {
  s.write(encoder.encode(`${sshIdentification(os)}\r\n`));
  const reader = new LineReader();
  let identified = false;
  s.handlers = {
    data: () => {
      const lines = reader.take(s);
      if (identified) return; // the session's keystrokes do not cross (module comment)
      const first = lines?.[0];
      if (lines === undefined || (first !== undefined && !/^SSH-\d+\.\d+-\S/.test(first))) {
        // sshd.c sshd_exchange_identification: a line that is no version string.
        s.write(encoder.encode("Protocol mismatch.\n"));
        s.close();
        return;
      }
      if (first === undefined) return;
      identified = true;
      s.write(encoder.encode(`${hostname}\n`));
    },
    end: () => s.close(),
    closed: () => {},
  };
}

/** How a client connection ended up. */
export type SshLanding = { ok: true; node: string; serverVersion: string } | { ok: false; message: string };

export interface SshClient {
  /** Closes the connection (a FIN), or abandons the attempt. */
  close(): void;
}

/**
 * Connects from `host` to `addr` port 22 as `user`, exchanges identification strings, and calls
 * `done` once with the node that answered, or with ssh's message. `lost` is called if the
 * connection ends later without `close()` (the peer closed or reset it).
 */
export function sshConnect(
  host: Host,
  addr: Ipv4,
  o: { hostText: string; user: string; os: "freebsd" | "linux" },
  done: (r: SshLanding) => void,
  lost?: (message: string) => void,
): SshClient {
  let finished = false;
  let closed = false;
  const finish = (r: SshLanding) => {
    if (finished) return;
    finished = true;
    done(r);
  };
  const s = host.tcp?.connect(addr, 22, { user: o.user });
  if (s === undefined) {
    finish({ ok: false, message: "ssh: TCP is not available on this engine" });
    return { close() {} };
  }
  const refused = (e: string) =>
    finish({ ok: false, message: `ssh: connect to host ${o.hostText} port 22: ${strerror(e)}` });
  if (typeof s === "string") {
    refused(s);
    return { close() {} };
  }
  const reader = new LineReader();
  let serverVersion: string | undefined;
  let connected = false;
  s.handlers = {
    connected: () => {
      connected = true;
    },
    closed: (e) => {
      if (!finished) {
        if (!connected) return refused(e ?? "ECONNREFUSED");
        return finish({
          ok: false,
          message:
            e === "ECONNRESET"
              ? `ssh_exchange_identification: read: ${strerror(e)}`
              : "ssh_exchange_identification: Connection closed by remote host",
        });
      }
      if (!closed) lost?.(`Connection to ${o.hostText} closed by remote host.`);
    },
    end: () => {
      if (!finished) {
        finish({ ok: false, message: "ssh_exchange_identification: Connection closed by remote host" });
        s.close();
        return;
      }
      if (!closed) {
        closed = true;
        s.close();
        lost?.(`Connection to ${o.hostText} closed by remote host.`);
      }
    },
    data: () => {
      const lines = reader.take(s);
      if (finished) return;
      if (lines === undefined) {
        finish({ ok: false, message: "ssh_exchange_identification: line too long" });
        closed = true;
        s.close();
        return;
      }
      for (const line of lines) {
        if (serverVersion === undefined) {
          // OpenSSH skips lines before the version string (a banner some servers print).
          if (!line.startsWith("SSH-")) continue;
          if (!/^SSH-(2\.0|1\.99)-\S/.test(line)) {
            finish({
              ok: false,
              message: `Protocol major versions differ: 2 vs. ${line.slice(4, 5) || "?"}`,
            });
            closed = true;
            s.close();
            return;
          }
          serverVersion = line;
          s.write(encoder.encode(`${sshIdentification(o.os)}\r\n`));
          continue;
        }
        finish({ ok: true, node: line, serverVersion });
        return;
      }
    },
  };
  return {
    close() {
      if (closed) return;
      closed = true;
      finished = true;
      s.handlers = {};
      s.close();
    },
  };
}
