/**
 * Interop: the project's TCP (src/sim/tcp) against the Linux kernel's, segment for segment.
 * A network namespace holds a TUN device (test/system/tun-bridge.py hands its packets to this
 * process and back) with 10.77.0.1/24; our TcpStack is 10.77.0.2 behind it, on the real clock.
 * Linux's SYNs carry options we do not offer (SACK-permitted, timestamps, window scale), so
 * this also checks that the kernel falls back to plain RFC 9293 with us, as the RFCs say it
 * must. Needs Linux and root (FAILS under CI=true when missing, as the RIP interop test does).
 *
 * Run by hand under the namespace lock:
 *   flock /tmp/routelab-netns.lock npx vitest run test/system/tcp-interop.test.ts
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Ipv4, parseIpv4 } from "../../src/core/ip.js";
import { Rng } from "../../src/core/rng.js";
import type { TcpListener, TcpSocket, TcpStateChange } from "../../src/sim/index.js";
import { TcpStack } from "../../src/sim/index.js";
import { buildTcpPacket, ipv4Dst, ipv4Protocol, ipv4Src, ipv4TotalLen } from "../../src/wire/index.js";
import { startTunBridge, stopTunBridge } from "./tun-host.js";

const CI = process.env.CI === "true";
const isRoot = process.getuid?.() === 0;
const NS = `rlt-tcp-${(process.pid % 1679616).toString(36)}`;
const LINUX = parseIpv4("10.77.0.1")!;
const OURS = parseIpv4("10.77.0.2")!;

function sh(...args: string[]): string {
  return execFileSync(args[0]!, args.slice(1), { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

/** Runs a Python snippet in the namespace: `done` resolves with its stdout when it exits, `ready` at its first output. */
function pythonRun(code: string): { ready: Promise<void>; done: Promise<string> } {
  let ready!: () => void;
  const readyP = new Promise<void>((r) => {
    ready = r;
  });
  const done = new Promise<string>((resolve, reject) => {
    const p = spawn("ip", ["netns", "exec", NS, "python3", "-c", code], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    p.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      ready();
    });
    p.stderr.on("data", (d: Buffer) => (err += d.toString()));
    p.on("exit", (code) => (code === 0 ? resolve(out) : reject(new Error(`python exit ${code}: ${err}`))));
  });
  return { ready: readyP, done };
}

function python(code: string): Promise<string> {
  return pythonRun(code).done;
}

describe.skipIf(!isRoot && !CI)("TCP interop: sim/tcp against the Linux kernel through a TUN device", () => {
  let bridge: ChildProcess | undefined;
  let stack: TcpStack;
  const states: TcpStateChange[] = [];
  const timers = new Set<NodeJS.Timeout>();

  beforeAll(async () => {
    expect(isRoot).toBe(true);
    sh("ip", "netns", "add", NS);
    sh("ip", "netns", "exec", NS, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1");
    bridge = await startTunBridge(NS, "tun0");
    sh("ip", "-n", NS, "addr", "add", "10.77.0.1/24", "dev", "tun0");
    sh("ip", "-n", NS, "link", "set", "tun0", "up");
    sh("ip", "-n", NS, "link", "set", "lo", "up");
    const t0 = performance.now();
    let ipId = 1;
    const send = (bytes: Uint8Array) => {
      const frame = Buffer.alloc(2 + bytes.length);
      frame.writeUInt16BE(bytes.length, 0);
      frame.set(bytes, 2);
      bridge!.stdin!.write(frame);
    };
    stack = new TcpStack({
      rng: new Rng(20),
      now: () => Math.round((performance.now() - t0) * 1e6),
      timer: (delay, fn) => {
        const h = setTimeout(() => {
          timers.delete(h);
          fn();
        }, delay / 1e6);
        timers.add(h);
        return {
          cancel: () => {
            clearTimeout(h);
            timers.delete(h);
          },
        };
      },
      sourceFor: () => OURS,
      isLocal: (a: Ipv4) => a === OURS,
      sendSegment: (src, dst, seg) => {
        send(buildTcpPacket({ tos: 0, id: ipId++ & 0xffff, dontFrag: true, ttl: 64, src, dst }, seg));
        return { ok: true, packet: ipId };
      },
      stateChanged: (e) => states.push(e),
    });
    let buf = Buffer.alloc(0);
    bridge.stdout!.on("data", (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        const n = buf.readUInt16BE(0);
        const pkt = new Uint8Array(buf.subarray(2, 2 + n));
        buf = buf.subarray(2 + n);
        if (pkt[0]! >> 4 !== 4 || ipv4Protocol(pkt) !== 6 || ipv4Dst(pkt) !== OURS) continue;
        const total = ipv4TotalLen(pkt);
        stack.input(pkt, 20, total - 20, ipv4Src(pkt), OURS, "linux", (r) => {
          if (r === "bad-checksum" || r === "malformed")
            throw new Error(`Linux sent a segment we refuse: ${r}`);
        });
      }
    });
  });

  afterAll(async () => {
    for (const t of timers) clearTimeout(t);
    await stopTunBridge(bridge, NS);
  });

  it("we connect to a Linux listener, send, read its answer, close", async () => {
    const server = pythonRun(`
import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("10.77.0.1", 7777)); s.listen(1); s.settimeout(20)
print("listening", flush=True)
c, peer = s.accept(); data = b""
while True:
    d = c.recv(65536)
    if not d: break
    data += d
c.sendall(data.upper()); c.close(); print(peer[0], len(data))
`);
    await server.ready;
    const c = stack.connect(LINUX, 7777, { user: "alice" }) as TcpSocket;
    expect(typeof c).toBe("object");
    let got = "";
    const closed = new Promise<string | undefined>((resolve) => {
      c.handlers = {
        connected: () => {
          c.write(new TextEncoder().encode("hello from routelab\n"));
          c.shutdown();
        },
        data: () => (got += new TextDecoder().decode(c.read())),
        end: () => (got += new TextDecoder().decode(c.read())),
        closed: resolve,
      };
    });
    expect((await server.done).trim()).toBe("listening\n10.77.0.2 20");
    const end = await Promise.race([closed, new Promise((r) => setTimeout(r, 500, "time-wait"))]);
    expect(got).toBe("HELLO FROM ROUTELAB\n");
    expect(["time-wait", undefined]).toContain(end);
    expect(c.state === "TIME_WAIT" || c.state === "CLOSED").toBe(true);
  });

  it("a Linux client connects to our listener and 100 kB go back to it", async () => {
    const l = stack.listen(8888) as TcpListener;
    const payload = new Uint8Array(100_000).map((_, i) => 65 + (i % 26));
    l.connection = (s) => {
      let sent = 0;
      const pump = () => {
        while (sent < payload.length) {
          const n = s.write(payload.subarray(sent));
          if (n === 0) return;
          sent += n;
        }
        s.close();
      };
      s.handlers = { writable: pump };
      pump();
    };
    const out = await python(`
import socket, hashlib
c = socket.create_connection(("10.77.0.2", 8888), timeout=20); data = b""
while True:
    d = c.recv(65536)
    if not d: break
    data += d
print(len(data), hashlib.sha256(data).hexdigest())
`);
    const digest = (await crypto.subtle.digest("SHA-256", payload)) as ArrayBuffer;
    const hex = Buffer.from(digest).toString("hex");
    expect(out.trim()).toBe(`100000 ${hex}`);
    l.close();
  });

  it("a closed port: Linux answers our SYN with RST (ECONNREFUSED), and we answer Linux's the same way", async () => {
    const c = stack.connect(LINUX, 9, {}) as TcpSocket;
    const err = await new Promise((resolve) => {
      c.handlers = { closed: resolve };
    });
    expect(err).toBe("ECONNREFUSED");
    const out = await python(`
import socket
try:
    socket.create_connection(("10.77.0.2", 9), timeout=10)
    print("connected")
except ConnectionRefusedError:
    print("refused")
`);
    expect(out.trim()).toBe("refused");
  });
});
