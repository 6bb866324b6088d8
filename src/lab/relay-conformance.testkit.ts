/**
 * @module lab/relay-conformance.testkit
 * The seed's second system (examples/lessons/relay.yaml, the post of 2011-04-05) through the Lab
 * interface, run on every engine: `runRelayConformance("sim", () => createSimLab(relay))`. The
 * seed-based suite (conformance.testkit.ts) cannot hold it: it needs the relay's topology, a
 * Linux node, its files and TCP. The post's commands run as root on `relay` (relay.pass.txt's),
 * a listener on the moved server's port 22, then a student on `client` calls the old address:
 * `nc` must connect (through the alias, the REDIRECT and xinetd's relay), and the nat listing
 * must read the same on both engines but for its counters (Linux's SYN carries more options,
 * so its byte counts differ; docs/linux.md).
 */
import { describe, expect, it } from "vitest";
import { MINUTE, SECOND } from "../core/time.js";
import type { Lab } from "./lab.js";

/** relay.pass.txt's commands on the relay host, in the post's order. */
export const RELAY_COMMANDS = [
  "ifconfig eth0:1 inet 192.168.10.200 netmask 255.255.255.255",
  "iptables -t nat -A PREROUTING -p tcp --dest 192.168.10.200 --dport 22 -j REDIRECT --to-port 50022",
  'echo "hoge-ssh        50022/tcp" >> /etc/services',
  "/etc/init.d/xinetd start",
];

/**
 * `iptables -t nat -L -n -v` after one connection, counters masked: what iptables 1.8.9 prints
 * (test/fixtures/linux) and the simulator prints alike.
 */
export const RELAY_NAT_LISTING = `Chain PREROUTING (policy ACCEPT P packets, B bytes)
 pkts bytes target     prot opt in     out     source               destination         
    1    B REDIRECT   6    --  *      *       0.0.0.0/0            192.168.10.200       tcp dpt:22 redir ports 50022

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
    .replace(/^( +\d+ +)\d+( REDIRECT)/m, "$1B$2");
}

async function exec(
  lab: Lab,
  node: string,
  line: string,
  user?: string,
): Promise<{ out: string; code: number }> {
  let out = "";
  const x = lab.exec(node, line, { ...(user ? { user } : {}), write: (s) => (out += s) });
  const finished = await lab.advanceUntil(() => x.exitCode !== undefined, MINUTE);
  expect(finished, `${node}: ${line} did not finish:\n${out}`).toBe(true);
  return { out, code: await x.done };
}

export function runRelayConformance(name: string, make: () => Lab | Promise<Lab>, timeout = 60_000): void {
  describe(`relay lesson on ${name}`, () => {
    it(
      "the post's commands make a client's nc to the old address reach the moved server",
      async () => {
        const lab = await make();
        try {
          // The moved server listens on 22 (root's port) for as long as the lab runs.
          lab.exec("server", "nc -l -k 22");
          await lab.advance(2 * SECOND);
          // A student cannot do the post's commands.
          const denied = await exec(lab, "relay", "iptables -t nat -L -n -v", "alice");
          expect(denied.out).toContain("Permission denied (you must be root)");
          expect(denied.code).toBe(4);
          for (const line of RELAY_COMMANDS) {
            // The server's policy lets a student's `>> FILE` through (server/policy.ts): the
            // services line is alice's, and xinetd (the real one on netns, reading
            // /etc/netns/NS/services) must see it.
            const r = await exec(lab, "relay", line, line.startsWith("echo") ? "alice" : undefined);
            expect(r.code, `relay: ${line}\n${r.out}`).toBe(0);
          }
          expect((await exec(lab, "relay", "cat /etc/services")).out).toMatch(/^hoge-ssh +50022\/tcp$/m);
          const nc = await exec(lab, "client", "nc -z -w 5 192.168.10.200 22", "alice");
          expect(nc.code, nc.out).toBe(0);
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
