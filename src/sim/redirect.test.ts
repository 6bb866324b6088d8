/**
 * The rules of FreeBSD 8's redirects, one by one (sim/redirect.ts; rodrigc/bz-vimage 46b4e0c):
 * ip_forward's conditions for sending (sys/netinet/ip_input.c:1487-1516), rtredirect's checks
 * for taking one (sys/net/route.c:520-590), and the expiry of the dynamic route
 * (sys/netinet/in_rmx.c:119-240).
 */
import { describe, expect, it } from "vitest";
import { parseIpv4 } from "../core/ip.js";
import { SECOND } from "../core/time.js";
import type { Route } from "./fib.js";
import { Fib } from "./fib.js";
import { Iface } from "./iface.js";
import { DYNAMIC_FLAGS, DynamicRoutes, REDIRECT_SOURCE, redirectGateway, rtredirect } from "./redirect.js";

const ip = (s: string) => parseIpv4(s)!;
const route = (
  dest: string,
  len: number,
  gateway: string,
  iface: number,
  flags: string,
  source = "rip",
): Route => ({
  dest: ip(dest),
  len,
  gateway: gateway === "" ? 0 : ip(gateway),
  iface,
  metric: 2,
  source,
  flags,
  use: 0,
});

describe("sending: ip_forward's conditions (ip_input.c:1487-1516)", () => {
  // r1 of lan.yaml: lan1 is interface 1 (10.0.1.1/24), the backbone interface 2.
  const lan1 = new Iface(1, "em0", ip("10.0.1.1"), 24);
  const backbone = new Iface(2, "em1", ip("10.0.13.1"), 24);
  const viaR2 = route("10.0.2.0", 24, "10.0.1.2", 1, "G");
  const h1 = ip("10.0.1.4");
  const h3 = ip("10.0.2.11");

  it("names the route's gateway when the packet leaves by the interface it came in on", () => {
    expect(redirectGateway(true, h1, h3, lan1, viaR2, lan1)).toBe(ip("10.0.1.2"));
  });
  it("names the destination itself on a connected route", () => {
    const connected = route("10.0.1.0", 24, "", 1, "");
    expect(redirectGateway(true, ip("10.0.1.99"), ip("10.0.1.7"), lan1, connected, lan1)).toBe(
      ip("10.0.1.7"),
    );
  });
  it("none with net.inet.ip.redirect=0 (V_ipsendredirects)", () => {
    expect(redirectGateway(false, h1, h3, lan1, viaR2, lan1)).toBe(0);
  });
  it("none when the packet leaves by another interface (ia->ia_ifp != rcvif)", () => {
    expect(redirectGateway(true, h1, h3, backbone, viaR2, lan1)).toBe(0);
  });
  it("none by a route a redirect made or changed (RTF_DYNAMIC|RTF_MODIFIED)", () => {
    expect(
      redirectGateway(true, h1, h3, lan1, route("10.0.2.11", 32, "10.0.1.2", 1, DYNAMIC_FLAGS), lan1),
    ).toBe(0);
    expect(redirectGateway(true, h1, h3, lan1, route("10.0.2.11", 32, "10.0.1.2", 1, "GHSM"), lan1)).toBe(0);
  });
  it("none by the default route (rt_key 0.0.0.0)", () => {
    expect(
      redirectGateway(true, h1, h3, lan1, route("0.0.0.0", 0, "10.0.1.2", 1, "GS", "static"), lan1),
    ).toBe(0);
  });
  it("none to a sender off the outgoing interface's subnet (src & ia_subnetmask != ia_subnet)", () => {
    expect(redirectGateway(true, ip("10.0.9.4"), h3, lan1, viaR2, lan1)).toBe(0);
  });
});

/** h1 of lan.yaml: em0 10.0.1.4/24, default route through r1 (10.0.1.1). */
function host() {
  const ifaces = [new Iface(0, "lo0", ip("127.0.0.1"), 8), new Iface(1, "em0", ip("10.0.1.4"), 24)];
  ifaces[1]!.carrier = true;
  const fib = new Fib();
  fib.set(route("0.0.0.0", 0, "10.0.1.1", 1, "GS", "static"));
  fib.set(route("10.0.1.0", 24, "", 1, "", "connected"));
  const node = {
    ifaces,
    isLocal: (a: number) => a === ip("10.0.1.4") || a === ip("127.0.0.1"),
    lookup: (d: number) => fib.lookup(d),
    install: (source: string, dest: number, gateway: number, iface: number, flags: string) =>
      fib.setFields(source, dest, 32, gateway, iface, 0, flags),
  };
  return { node, fib };
}

describe("taking: rtredirect's checks (route.c:520-590)", () => {
  const r1 = ip("10.0.1.1");
  const r2 = ip("10.0.1.2");
  const h3 = ip("10.0.2.11");

  it("from the current gateway, over the default route: a host route UGHD (+ in_clsroute's 3)", () => {
    const { node, fib } = host();
    expect(rtredirect(node, h3, r2, r1)).toBe("ok");
    expect(fib.get(h3, 32)).toMatchObject({ gateway: r2, iface: 1, flags: "GHD3", source: REDIRECT_SOURCE });
  });
  it("not from the gateway we use for that destination: EINVAL, nothing changes", () => {
    const { node, fib } = host();
    expect(rtredirect(node, h3, r2, ip("10.0.1.3"))).toBe("EINVAL");
    expect(fib.get(h3, 32)).toBeUndefined();
  });
  it("to a gateway on none of our subnets: ENETUNREACH", () => {
    const { node } = host();
    expect(rtredirect(node, h3, ip("10.0.7.2"), r1)).toBe("ENETUNREACH");
  });
  it("to one of our own addresses: EHOSTUNREACH", () => {
    const { node } = host();
    expect(rtredirect(node, h3, ip("10.0.1.4"), r1)).toBe("EHOSTUNREACH");
  });
  it("for a destination on our own subnet (an interface route): EINVAL, as its gateway is no router", () => {
    const { node } = host();
    expect(rtredirect(node, ip("10.0.1.9"), r2, r1)).toBe("EINVAL");
  });
  it("again, from the new gateway, over the host route it made: the gateway changes, marked M", () => {
    const { node, fib } = host();
    rtredirect(node, h3, r2, r1);
    expect(rtredirect(node, h3, ip("10.0.1.3"), r2)).toBe("ok");
    expect(fib.get(h3, 32)).toMatchObject({ gateway: ip("10.0.1.3"), flags: "GHD3M" });
  });
});

describe("the dynamic route's hour (in_rmx.c)", () => {
  it("expires an hour after its last use, deleted by one timer", () => {
    let now = 0;
    const timers: { at: number; fn: () => void; off: boolean }[] = [];
    const removed: number[] = [];
    const d = new DynamicRoutes(
      () => now,
      (delay, fn) => {
        const t = { at: now + delay, fn, off: false };
        timers.push(t);
        return { cancel: () => (t.off = true) };
      },
      (dest) => removed.push(dest),
    );
    const runUntil = (t: number) => {
      for (;;) {
        const next = timers.filter((x) => !x.off && x.at <= t).sort((a, b) => a.at - b.at)[0];
        if (next === undefined) break;
        next.off = true;
        now = next.at;
        next.fn();
      }
      now = t;
    };
    d.touch(7);
    expect(d.expiresIn(7)).toBe(3600);
    runUntil(1000 * SECOND);
    d.touch(7); // used again: the hour starts over
    expect(d.expiresIn(7)).toBe(3600);
    runUntil(4599 * SECOND);
    expect(removed).toEqual([]);
    runUntil(4600 * SECOND);
    expect(removed).toEqual([7]);
    expect(d.expiresIn(7)).toBeUndefined();
    expect(timers.filter((t) => !t.off)).toEqual([]);
  });
});
