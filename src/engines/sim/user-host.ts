/**
 * @module engines/sim/user-host
 * A node's Host as seen by one user's programs: every packet they send is charged to that
 * user unless the program says otherwise, so the picture colours it and counters add up.
 */
import type { Host, HostInterface, SendOptions, SimNode } from "../../sim/index.js";

export class UserHost implements Host {
  constructor(
    private readonly node: SimNode,
    readonly user: string,
  ) {}
  get name() {
    return this.node.name;
  }
  get rng() {
    return this.node.rng;
  }
  now() {
    return this.node.now();
  }
  timer(delay: number, fn: () => void) {
    return this.node.timer(delay, fn);
  }
  interfaces(): readonly HostInterface[] {
    return this.node.interfaces();
  }
  udpBind(port: number, handler: Parameters<Host["udpBind"]>[1]) {
    return this.node.udpBind(port, handler);
  }
  joinGroup(group: number) {
    this.node.joinGroup(group);
  }
  sendUdp(dst: number, srcPort: number, dstPort: number, payload: Uint8Array, opts: SendOptions = {}) {
    return this.node.sendUdp(dst, srcPort, dstPort, payload, { user: this.user, ...opts });
  }
  icmpListen(handler: Parameters<Host["icmpListen"]>[0]) {
    return this.node.icmpListen(handler);
  }
  sendIcmpEcho(dst: number, ident: number, seq: number, data: Uint8Array, opts: SendOptions = {}) {
    return this.node.sendIcmpEcho(dst, ident, seq, data, { user: this.user, ...opts });
  }
  setRoute(...a: Parameters<Host["setRoute"]>) {
    this.node.setRoute(...a);
  }
  deleteRoute(...a: Parameters<Host["deleteRoute"]>) {
    this.node.deleteRoute(...a);
  }
  lookup(dst: number) {
    return this.node.lookup(dst);
  }
  onInterfaceChange(fn: Parameters<Host["onInterfaceChange"]>[0]) {
    return this.node.onInterfaceChange(fn);
  }
}
