/**
 * @module lab/relay-conformance.testkit
 * The seed's second system (examples/lessons/relay.yaml, the post of 2011-04-05) through the Lab
 * interface, run on every engine: `runRelayConformance("sim", () => createSimLab(relay))`. The
 * seed-based suite (conformance.testkit.ts) cannot hold it: it needs the relay's topology, a
 * Linux node, its files and TCP. The post's commands run as root on `relay` (relay.pass.txt's),
 * every node's sshd on port 22, then a student on `client` calls the old address:
 * `nc` must connect (through the alias, the REDIRECT and xinetd's relay), `ssh` must land on the
 * moved server (and be refused, with OpenSSH's message, before xinetd runs), and the nat listing
 * must read the same on both engines but for its counters (Linux's SYN carries more options,
 * so its byte counts differ; docs/linux.md).
 */
import { describe, expect, it } from "vitest";
import { MINUTE, SECOND } from "../core/time.js";
import type { Lab } from "./lab.js";
import { runToEnd as exec } from "./drive.testkit.js";

/** relay.pass.txt's commands on the relay host, in the post's order. */
export const RELAY_COMMANDS = [
  "ifconfig eth0:1 inet 192.168.10.200 netmask 255.255.255.255",
  "iptables -t nat -A PREROUTING -p tcp --dest 192.168.10.200 --dport 22 -j REDIRECT --to-port 50022",
  'echo "hoge-ssh        50022/tcp" >> /etc/services',
  "/etc/init.d/xinetd start",
];

/**
 * `iptables -t nat -L -n -v` after three connections to the old address (ssh refused, nc, ssh),
 * counters masked: what iptables 1.8.9 prints
 * (test/fixtures/linux) and the simulator prints alike.
 */
export const RELAY_NAT_LISTING = `Chain PREROUTING (policy ACCEPT P packets, B bytes)
 pkts bytes target     prot opt in     out     source               destination         
    3    B REDIRECT   6    --  *      *       0.0.0.0/0            192.168.10.200       tcp dpt:22 redir ports 50022

Chain INPUT (policy ACCEPT P packets, B bytes)
 pkts bytes target     prot opt in     out     source               destination         

Chain OUTPUT (policy ACCEPT P packets, B bytes)
 pkts bytes target     prot opt in     out     source               destination         

Chain POSTROUTING (policy ACCEPT P packets, B bytes)
 pkts bytes target     prot opt in     out     source               destination         
`;

/** The counters of a nat listing masked (the policies' and the rule's bytes). */
export function maskCounters(listing: string): string {
  return listing
    .replace(/\(policy ACCEPT \d+ packets, \d+ bytes\)/g, "(policy ACCEPT P packets, B bytes)")
    .replace(/^( +\d+) +\d+( REDIRECT)/m, "$1    B$2");
}

/** The in-lab ssh (Lab.ssh) from `from` to `host`: where it landed, or its message. */
async function ssh(lab: Lab, from: string, host: string): Promise<{ node: string } | { error: string }> {
  expect(lab.ssh, `the ${lab.engine} engine has no in-lab ssh`).toBeDefined();
  let landed: { node: string } | { error: string } | undefined;
  const hop = lab.ssh!(from, host, { user: "alice" });
  void hop.landed.then((r) => {
    landed = r;
  });
  await lab.advanceUntil(() => landed !== undefined, MINUTE);
  await Promise.resolve();
  hop.close();
  expect(landed, `ssh ${host} from ${from} did not finish`).toBeDefined();
  return landed!;
}

export function runRelayConformance(name: string, make: () => Lab | Promise<Lab>, timeout = 60_000): void {
  describe(`relay lesson on ${name}`, () => {
    it(
      "the post's commands make a client's nc to the old address reach the moved server",
      async () => {
        const lab = await make();
        try {
          // Every node's sshd listens on 22 (the simulator's, or the real one on netns).
          await lab.advance(2 * SECOND);
          // A student cannot do the post's commands.
          const denied = await exec(lab, "relay", "iptables -t nat -L -n -v", "alice");
          expect(denied.out).toContain("Permission denied (you must be root)");
          expect(denied.code).toBe(4);
          for (const [i, line] of RELAY_COMMANDS.entries()) {
            if (i === 2) {
              // The alias and the REDIRECT without xinetd: port 50022 refuses, and ssh says so.
              expect(await ssh(lab, "client", "192.168.10.200")).toEqual({
                error: "ssh: connect to host 192.168.10.200 port 22: Connection refused",
              });
            }
            // The server's policy lets a student's `>> FILE` through (server/policy.ts): the
            // services line is alice's, and xinetd (the real one on netns, reading
            // /etc/netns/NS/services) must see it.
            const r = await exec(lab, "relay", line, line.startsWith("echo") ? "alice" : undefined);
            expect(r.code, `relay: ${line}\n${r.out}`).toBe(0);
          }
          expect((await exec(lab, "relay", "cat /etc/services")).out).toMatch(/^hoge-ssh +50022\/tcp$/m);
          const nc = await exec(lab, "client", "nc -z -w 5 192.168.10.200 22", "alice");
          expect(nc.code, nc.out).toBe(0);
          // ssh to the old address lands on the moved server, through the relay.
          expect(await ssh(lab, "client", "192.168.10.200")).toEqual({ node: "server" });
          const listing = await exec(lab, "relay", "iptables -t nat -L -n -v");
          expect(maskCounters(listing.out)).toBe(RELAY_NAT_LISTING);
          const alias = await exec(lab, "relay", "ifconfig eth0:1");
          expect(alias.out).toMatch(/^eth0:1: flags=4163<UP,BROADCAST,RUNNING,MULTICAST> {2}mtu 1500\n/);
          expect(alias.out).toContain(
            "inet 192.168.10.200  netmask 255.255.255.255  broadcast 192.168.10.255",
          );
        } finally {
          await lab.close();
        }
      },
      timeout,
    );
  });
}
