/**
 * @module engines/netns/real-host
 * The simulator's Host interface (sim/host.ts) over a real Linux network stack, so the project's
 * own RIP daemon (proto/rip) runs unchanged inside a namespace and talks to FRR over real UDP:
 * port 520 on every interface (one socket bound to 0.0.0.0:520 joined to 224.0.0.9 on each link
 * interface to receive, one socket per interface bound to its address to send with the right
 * multicast interface and TTL 1), timers on the event loop, routes with `ip route … proto rip`.
 * It must run in a process started inside the namespace (`ip netns exec NS node …`, see
 * rip-runner.ts): Node cannot switch namespaces itself.
 *
 * ICMP is not offered (RIP does not use it): the ping/traceroute of a real node are the real ones.
 */
import { createSocket, type Socket } from "node:dgram";
import { formatIpv4, type Ipv4, maskOf, parseIpv4 } from "../../core/ip.js";
import { Rng } from "../../core/rng.js";
import type {
  Datagram,
  Host,
  HostInterface,
  IcmpMessage,
  Reason,
  RouteSpec,
  SendOptions,
  SendResult,
} from "../../sim/host.js";
import { runOk } from "./sys.js";
import { WallClockHost } from "./wall-clock-host.js";

export interface RealHostConfig {
  name: string;
  /** Link interfaces with their kernel names, in topology order (index 1, 2, …). */
  interfaces: { name: string; addr: Ipv4; len: number }[];
  seed?: number;
}

export class RealHost extends WallClockHost implements Host {
  readonly name: string;
  readonly rng: Rng;
  private readonly ifs: HostInterface[];
  private recv: Socket | null = null;
  private readonly send = new Map<number, Socket>();
  private routeQueue: Promise<unknown> = Promise.resolve();
  /** Route changes that failed (for the runner to report). */
  readonly errors: string[] = [];

  constructor(cfg: RealHostConfig) {
    super();
    this.name = cfg.name;
    this.rng = new Rng(cfg.seed ?? 1);
    this.ifs = [
      { index: 0, name: "lo", addr: 0x7f000001, len: 8, up: true, isLink: false },
      ...cfg.interfaces.map((i, k) => ({
        index: k + 1,
        name: i.name,
        addr: i.addr,
        len: i.len,
        up: true,
        isLink: true,
      })),
    ];
  }

  interfaces(): readonly HostInterface[] {
    return this.ifs;
  }

  /** The link interface whose subnet holds `a` (where a datagram from `a` came in). */
  private ifaceOf(a: Ipv4): number {
    for (const i of this.ifs) if (i.isLink && ((i.addr ^ a) & maskOf(i.len)) === 0) return i.index;
    return 0;
  }

  udpBind(port: number, handler: (d: Datagram) => void): { close(): void } {
    const deliver = (dst: Ipv4) => (msg: Buffer, rinfo: { address: string; port: number }) => {
      const src = parseIpv4(rinfo.address) ?? 0;
      handler({
        src,
        dst,
        srcPort: rinfo.port,
        dstPort: port,
        ttl: 1,
        iface: this.ifaceOf(src),
        payload: new Uint8Array(msg.buffer, msg.byteOffset, msg.byteLength),
      });
    };
    const recv = createSocket({ type: "udp4", reuseAddr: true });
    recv.on("message", deliver(0xe0000009));
    recv.bind(port, "0.0.0.0");
    this.recv = recv;
    for (const i of this.ifs) {
      if (!i.isLink) continue;
      const s = createSocket({ type: "udp4", reuseAddr: true });
      s.on("message", deliver(i.addr)); // unicast answers to our address
      s.bind(port, formatIpv4(i.addr), () => {
        s.setMulticastInterface(formatIpv4(i.addr));
        s.setMulticastTTL(1);
        s.setMulticastLoopback(false);
      });
      this.send.set(i.index, s);
    }
    return {
      close: () => {
        recv.close();
        for (const s of this.send.values()) s.close();
        this.send.clear();
        this.recv = null;
      },
    };
  }

  joinGroup(group: Ipv4): void {
    const r = this.recv;
    if (!r) return;
    const join = () => {
      for (const i of this.ifs) if (i.isLink) r.addMembership(formatIpv4(group), formatIpv4(i.addr));
    };
    r.once("listening", join);
  }

  sendUdp(
    dst: Ipv4,
    _srcPort: number,
    dstPort: number,
    payload: Uint8Array,
    opts: SendOptions = {},
  ): SendResult {
    const idx = opts.iface ?? this.ifaceOf(dst);
    const s = this.send.get(idx);
    if (!s) return { ok: false, error: "ENETUNREACH" };
    s.send(payload, dstPort, formatIpv4(dst));
    return { ok: true, packet: 0 };
  }

  icmpListen(_handler: (m: IcmpMessage) => void): { close(): void } {
    return { close() {} };
  }

  private route(args: string[]): void {
    this.routeQueue = this.routeQueue.then(() =>
      runOk("ip", args).catch((e: Error) => this.errors.push(e.message)),
    );
  }

  setRoute(_source: string, r: RouteSpec, _reason: Reason): void {
    const dev = this.ifs[r.iface]?.name ?? "lo";
    const dest = `${formatIpv4(r.dest)}/${r.len}`;
    const args = ["route", "replace", dest];
    if (r.gateway !== 0) args.push("via", formatIpv4(r.gateway));
    this.route([...args, "dev", dev, "proto", "rip", "metric", "20"]);
  }

  deleteRoute(_source: string, dest: Ipv4, len: number, _reason: Reason): void {
    this.route(["route", "del", `${formatIpv4(dest)}/${len}`, "proto", "rip"]);
  }

  lookup(_dst: Ipv4): { gateway: Ipv4; iface: number; len: number; source: string } | undefined {
    return undefined;
  }

  onInterfaceChange(_fn: (iface: HostInterface) => void): { close(): void } {
    return { close() {} };
  }

  /** Resolves when queued route changes are done. */
  flush(): Promise<unknown> {
    return this.routeQueue;
  }
}
