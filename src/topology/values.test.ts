/** The scalar value parsers shared by every format. */
import { describe, expect, it } from "vitest";
import { MS, SECOND, US } from "../core/time.js";
import {
  checkIfaceName,
  checkNodeName,
  parseBandwidth,
  parseDurationRange,
  parseDurationText,
  parseHostAddress,
  parseLoss,
  parseQueue,
  parseStaticRouteText,
  parseSubnet,
} from "./values.js";

const value = <T>(p: { ok: true; value: T } | { ok: false; error: string }) =>
  p.ok ? p.value : `ERR ${p.error}`;

describe("values", () => {
  it("bandwidth: units in bits per second, bps meaning bits", () => {
    expect(
      ["10Mbit", "10Mbps", "1Gbps", "1gbit/s", "64kbit", "1.5Mbit", "2500", "0", "unlimited"].map((t) =>
        value(parseBandwidth(t)),
      ),
    ).toEqual([10e6, 10e6, 1e9, 1e9, 64e3, 1.5e6, 2500, 0, 0]);
    expect(value(parseBandwidth(1e6))).toBe(1e6);
    expect(value(parseBandwidth("fast"))).toMatch(/^ERR 'fast' is not a bandwidth/);
    expect(value(parseBandwidth("10M"))).toBe(10e6);
    expect(value(parseBandwidth(-1))).toMatch(/^ERR/);
  });
  it("loss: 0…1 or a percentage", () => {
    expect([0, 0.25, 1, "1%", "0.5%", "100%", "0.01"].map((v) => value(parseLoss(v)))).toEqual([
      0, 0.25, 1, 0.01, 0.005, 1, 0.01,
    ]);
    for (const bad of [1.5, -0.1, "101%", "lots", Number.NaN]) expect(value(parseLoss(bad))).toMatch(/^ERR/);
  });
  it("durations need a unit (except 0)", () => {
    expect(["2ms", "30s", "5m", "500us", "0", "1.5s"].map((t) => value(parseDurationText(t)))).toEqual([
      2 * MS,
      30 * SECOND,
      300 * SECOND,
      500 * US,
      0,
      1.5 * SECOND,
    ]);
    expect(value(parseDurationText("2"))).toBe("ERR '2' has no unit: write e.g. 2ms or 2s");
    expect(value(parseDurationRange("1s-5s"))).toEqual([SECOND, 5 * SECOND]);
    expect(value(parseDurationRange("1.5s..2s"))).toEqual([1.5 * SECOND, 2 * SECOND]);
    expect(value(parseDurationRange("3s"))).toEqual([3 * SECOND, 3 * SECOND]);
    expect(value(parseDurationRange("5s-1s"))).toMatch(/goes backwards/);
  });
  it("subnets and addresses", () => {
    expect(value(parseSubnet("10.0.10.0/24"))).toEqual({ addr: 0x0a000a00, len: 24 });
    expect(value(parseSubnet("10.0.10.1/24"))).toBe(
      "ERR '10.0.10.1/24' has host bits set: the subnet is 10.0.10.0/24",
    );
    for (const bad of ["10.0.10.0", "10.0.10.0/33", "10.0.256.0/24", "a.b.c.d/8", "10.0.10.0/"])
      expect(value(parseSubnet(bad))).toMatch(/is not a CIDR prefix/);
    expect(value(parseHostAddress("10.0.0.1/31"))).toEqual({ addr: 0x0a000001, len: 31 });
    expect(value(parseHostAddress("10.0.0.1"))).toEqual({ addr: 0x0a000001 });
    expect(value(parseHostAddress("10.0.0.1/40"))).toMatch(/^ERR/);
  });
  it("static routes", () => {
    expect(value(parseStaticRouteText("default via 10.0.0.1"))).toEqual({
      dest: { addr: 0, len: 0 },
      gateway: 0x0a000001,
    });
    expect(value(parseStaticRouteText("10.0.0.0/8 10.0.0.1"))).toMatch(/is not a static route/);
  });
  it("names and queues", () => {
    expect(checkNodeName("vm1").ok).toBe(true);
    expect(checkNodeName("a".repeat(32)).ok).toBe(true);
    for (const bad of ["1vm", "vm 1", "vm;rm", "a".repeat(33), "", "vm.1"])
      expect(checkNodeName(bad).ok).toBe(false);
    expect(checkIfaceName("ethernet-1/1").ok).toBe(true);
    expect(value(checkIfaceName("lo0"))).toBe("ERR interface name 'lo0' is reserved for the loopback");
    expect(checkIfaceName("a234567890123456").ok).toBe(false);
    expect(value(parseQueue(100))).toBe(100);
    expect(value(parseQueue("0"))).toMatch(/^ERR/);
  });
});
