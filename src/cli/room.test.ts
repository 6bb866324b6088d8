import type { NetworkInterfaceInfo } from "node:os";
import { describe, expect, it } from "vitest";
import { pageBanner, roomHosts } from "./room.js";

const addr = (address: string, family: "IPv4" | "IPv6", internal = false) =>
  ({ address, family, internal, netmask: "", mac: "", cidr: null }) as unknown as NetworkInterfaceInfo;

const IFACES = {
  lo: [addr("127.0.0.1", "IPv4", true), addr("::1", "IPv6", true)],
  eth0: [addr("192.168.1.20", "IPv4"), addr("fe80::1", "IPv6"), addr("fd00::20", "IPv6")],
  wlan0: [addr("10.8.0.3", "IPv4")],
};

describe("where the room reaches the lab", () => {
  it("on 0.0.0.0 (--lan): the machine's IPv4 addresses, never 0.0.0.0 or localhost", () => {
    const h = roomHosts("0.0.0.0", IFACES);
    expect(h).toEqual({ room: ["192.168.1.20", "10.8.0.3"], local: "127.0.0.1" });
    expect(pageBanner("0.0.0.0", 8080, h)).toBe(
      "  live picture and API, for the room:\n" +
        "    http://192.168.1.20:8080/\n" +
        "    http://10.8.0.3:8080/\n" +
        "    on this machine: http://127.0.0.1:8080/\n",
    );
  });

  it("on :: also the global IPv6 addresses (in brackets in URLs), not link-local ones", () => {
    const h = roomHosts("::", IFACES);
    expect(h.room).toEqual(["192.168.1.20", "10.8.0.3", "fd00::20"]);
    expect(pageBanner("::", 80, h)).toContain("    http://[fd00::20]:80/\n");
  });

  it("on loopback: one line as before; on one address: that address", () => {
    expect(pageBanner("127.0.0.1", 8080, roomHosts("127.0.0.1", IFACES))).toBe(
      "  live picture and API: http://127.0.0.1:8080/\n",
    );
    expect(roomHosts("192.168.1.20", IFACES)).toEqual({ room: ["192.168.1.20"] });
  });

  it("says so when no network address exists", () => {
    expect(pageBanner("0.0.0.0", 8080, roomHosts("0.0.0.0", { lo: IFACES.lo }))).toContain(
      "(none: this machine has no network address besides loopback; is it connected?)",
    );
  });
});
