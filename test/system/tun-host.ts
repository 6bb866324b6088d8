/**
 * The simulator's Host interface (src/sim/host.ts) over a TUN device, for interop tests of
 * protocols on raw IP that Node cannot open a socket for (OSPF is IP protocol 89): every IPv4
 * packet the kernel routes into the TUN device reaches this process through
 * test/system/tun-bridge.py, and what a daemon sends goes back the same way, header and
 * checksum built here. Interface 1 is the TUN link; further interfaces are stub networks with
 * nobody on them (what is sent out of them is dropped, as on an empty segment). Time is the
 * wall clock; routes a daemon installs are kept in `fib` for the test to read.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { join } from "node:path";
import type { Ipv4 } from "../../src/core/ip.js";
import { Rng } from "../../src/core/rng.js";
import type { Nanos } from "../../src/core/time.js";
import type {
  Host,
  HostInterface,
  IpDatagram,
  Reason,
  RouteSpec,
  SendOptions,
  SendResult,
  TimerHandle,
} from "../../src/sim/host.js";
import { WireError } from "../../src/wire/error.js";
import { emitIpv4, IPV4_HEADER_LEN, ipv4Ihl, ipv4Protocol, parseIpv4 } from "../../src/wire/index.js";

/**
 * Starts test/system/tun-bridge.py in namespace `ns` on a new TUN device `dev`; resolves once
 * the device exists (the bridge said "ready"), to be addressed and set up by the caller.
 */
export async function startTunBridge(ns: string, dev: string): Promise<ChildProcess> {
  const bridge = spawn(
    "ip",
    ["netns", "exec", ns, "python3", join(import.meta.dirname, "tun-bridge.py"), dev],
    {
      stdio: ["pipe", "pipe", "pipe"],
    },
  );
  await new Promise<void>((resolve, reject) => {
    bridge.stderr!.once("data", (d: Buffer) =>
      d.toString().includes("ready") ? resolve() : reject(new Error(d.toString())),
    );
    bridge.once("exit", (c) => reject(new Error(`tun bridge exited ${c}`)));
  });
  return bridge;
}

/** Stops the bridge (its TUN device goes with it) and deletes namespace `ns`, whatever is left of them. */
export async function stopTunBridge(bridge: ChildProcess | undefined, ns: string): Promise<void> {
  if (bridge && bridge.exitCode === null) {
    bridge.kill("SIGTERM");
    await new Promise((r) => bridge.once("exit", r));
  }
  try {
    execFileSync("ip", ["netns", "del", ns], { stdio: "ignore" });
  } catch {}
}

export interface TunHostConfig {
  name: string;
  /** Interface 1 is the TUN link, the rest stubs. */
  interfaces: { name: string; addr: Ipv4; len: number }[];
  seed: number;
}

export class TunHost implements Host {
  readonly name: string;
  readonly rng: Rng;
  /** Routes installed, by `dest/len`. */
  readonly fib = new Map<string, RouteSpec & { source: string }>();
  /** Packets of a bound protocol the IPv4 codec refused. */
  readonly refused: string[] = [];
  private readonly ifs: HostInterface[];
  private readonly groups = new Set<Ipv4>();
  private readonly bound = new Map<number, (d: IpDatagram) => void>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly t0 = performance.now();
  private ipId = 1;
  private received = 0;
  private buf = Buffer.alloc(0);

  constructor(
    cfg: TunHostConfig,
    private readonly bridge: ChildProcess,
  ) {
    this.name = cfg.name;
    this.rng = new Rng(cfg.seed);
    this.ifs = [
      { index: 0, name: "lo0", addr: 0x7f000001, len: 8, up: true, isLink: false },
      ...cfg.interfaces.map((i, k) => ({ index: k + 1, ...i, up: true, isLink: true })),
    ];
    bridge.stdout!.on("data", (d: Buffer) => this.fromBridge(d));
  }

  now(): Nanos {
    return Math.round((performance.now() - this.t0) * 1e6);
  }

  timer(delay: Nanos, fn: () => void): TimerHandle {
    const h = setTimeout(
      () => {
        this.timers.delete(h);
        fn();
      },
      Math.max(0, delay / 1e6),
    );
    this.timers.add(h);
    return {
      cancel: () => {
        clearTimeout(h);
        this.timers.delete(h);
      },
    };
  }

  /** Cancels every pending timer (after the daemon's stop). */
  close(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  interfaces(): readonly HostInterface[] {
    return this.ifs;
  }

  joinGroup(group: Ipv4): void {
    this.groups.add(group);
  }

  ipBind(protocol: number, handler: (d: IpDatagram) => void): { close(): void } {
    if (this.bound.has(protocol)) throw new Error(`protocol ${protocol} already bound`);
    this.bound.set(protocol, handler);
    return { close: () => this.bound.delete(protocol) };
  }

  sendIp(dst: Ipv4, protocol: number, payload: Uint8Array, opts: SendOptions = {}): SendResult {
    const iface = opts.iface ?? 1;
    const out = this.ifs[iface];
    if (!out?.isLink) return { ok: false, error: "ENETUNREACH" };
    const id = opts.id ?? this.ipId++ & 0xffff;
    if (iface !== 1) return { ok: true, packet: id }; // a stub segment: nobody there
    const pkt = new Uint8Array(IPV4_HEADER_LEN + payload.length);
    emitIpv4(
      {
        tos: opts.tos ?? 0,
        id,
        dontFrag: false,
        ttl: opts.ttl ?? 64,
        protocol,
        src: opts.src ?? out.addr,
        dst,
        payloadLen: payload.length,
      },
      pkt,
    );
    pkt.set(payload, IPV4_HEADER_LEN);
    const frame = Buffer.alloc(2 + pkt.length);
    frame.writeUInt16BE(pkt.length, 0);
    frame.set(pkt, 2);
    this.bridge.stdin!.write(frame);
    return { ok: true, packet: id };
  }

  /** Frames from the bridge: each packet of a bound protocol to us or a joined group, to its handler. */
  private fromBridge(d: Buffer): void {
    this.buf = Buffer.concat([this.buf, d]);
    while (this.buf.length >= 2 && this.buf.length >= 2 + this.buf.readUInt16BE(0)) {
      const n = this.buf.readUInt16BE(0);
      const pkt = new Uint8Array(this.buf.subarray(2, 2 + n));
      this.buf = this.buf.subarray(2 + n);
      if (pkt.length < IPV4_HEADER_LEN || pkt[0]! >> 4 !== 4) continue; // not IPv4
      const handler = this.bound.get(ipv4Protocol(pkt));
      if (!handler) continue; // IGMP reports and the like: nothing here listens
      const ip = parseIpv4(pkt);
      if (ip instanceof WireError) {
        this.refused.push(ip.reason);
        continue;
      }
      const tun = this.ifs[1]!;
      if (ip.dst !== tun.addr && !this.groups.has(ip.dst)) continue;
      const off = ipv4Ihl(pkt) * 4;
      handler({
        src: ip.src,
        dst: ip.dst,
        protocol: ip.protocol,
        ttl: ip.ttl,
        tos: ip.tos,
        iface: 1,
        payload: pkt.subarray(off, off + ip.payloadLen),
        packet: ++this.received,
      });
    }
  }

  setRoute(source: string, r: RouteSpec, _reason: Reason): void {
    this.fib.set(`${r.dest}/${r.len}`, { ...r, source });
  }

  deleteRoute(_source: string, dest: Ipv4, len: number, _reason: Reason): void {
    this.fib.delete(`${dest}/${len}`);
  }

  lookup(): undefined {
    return undefined;
  }

  onInterfaceChange(): { close(): void } {
    return { close() {} };
  }

  udpBind(): { close(): void } {
    throw new Error("tun-host: UDP is not offered (raw IP only)");
  }

  sendUdp(): SendResult {
    return { ok: false, error: "ENETUNREACH" };
  }

  icmpListen(): { close(): void } {
    return { close() {} };
  }

  sendIcmpEcho(): SendResult {
    return { ok: false, error: "ENETUNREACH" };
  }
}
