/**
 * FreeBSD's `ifconfig IF [inet] ADDR [netmask M] alias` / `-alias` (sbin/ifconfig, SIOCAIFADDR
 * and SIOCDIFADDR): the alias is a local address of the node (it answers ARP and pings), listed
 * as one more `inet` line of its interface's block; root only.
 */
import { describe, expect, it } from "vitest";
import { buildNetwork } from "../../sim/build.js";
import { parseRoutelabYaml } from "../../topology/parse-yaml.js";
import { runOn } from "../sim.testkit.js";

const lab = () =>
  buildNetwork(
    parseRoutelabYaml(
      "nodes:\n  vm1: {}\n  vm2: {}\nlinks:\n  - {endpoints: ['vm1:epair0a', 'vm2:epair0b'], subnet: 10.0.10.0/24}\n",
      "t.yaml",
    ),
    1,
  );

describe("ifconfig IF alias (FreeBSD)", () => {
  it("adds a /32 alias that answers pings and shows in the block; -alias takes it away", () => {
    const net = lab();
    expect(runOn(net, "vm2", "ping -c 1 10.0.10.200").code).toBe(2);
    expect(
      runOn(net, "vm1", "ifconfig epair0a inet 10.0.10.200 netmask 255.255.255.255 alias"),
    ).toMatchObject({
      out: "",
      code: 0,
    });
    expect(runOn(net, "vm1", "ifconfig epair0a").out).toContain(
      "\tinet 10.0.10.1 netmask 0xffffff00 broadcast 10.0.10.255\n\tinet 10.0.10.200 netmask 0xffffffff broadcast 10.0.10.200\n",
    );
    expect(runOn(net, "vm2", "ping -c 1 10.0.10.200").out).toContain("64 bytes from 10.0.10.200");
    expect(runOn(net, "vm1", "ifconfig epair0a 10.0.10.200/32 alias")).toMatchObject({
      out: "ifconfig: ioctl (SIOCAIFADDR): File exists\n",
      code: 1,
    });
    expect(runOn(net, "vm1", "ifconfig epair0a 10.0.10.201 alias", { user: "alice" })).toMatchObject({
      out: "ifconfig: ioctl (SIOCAIFADDR): Operation not permitted\n",
      code: 1,
    });
    expect(runOn(net, "vm1", "ifconfig epair0a 10.0.10.200 -alias").code).toBe(0);
    expect(runOn(net, "vm1", "ifconfig epair0a 10.0.10.200 -alias")).toMatchObject({
      out: "ifconfig: ioctl (SIOCDIFADDR): Can't assign requested address\n",
      code: 1,
    });
    expect(runOn(net, "vm1", "ifconfig epair0a").out).not.toContain("10.0.10.200");
  });
});
