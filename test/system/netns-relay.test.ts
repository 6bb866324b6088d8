/**
 * The seed's relay on real kernels: examples/lessons/relay.yaml built as Linux network
 * namespaces (one per node, a veth pair per link, its addresses and static routes, forwarding
 * on), the relay node's `files:` given to it through `ip netns exec`'s /etc/netns/NAME bind
 * mounts (its own /etc/services, /etc/xinetd.d), and the post's commands of relay.pass.txt run
 * there with the real tools: net-tools' `ifconfig eth0:1`, iptables' REDIRECT, `echo >>
 * /etc/services`, and Debian's xinetd; the server listens with netcat-openbsd. A client's
 * `nc 192.168.10.200 22` must reach the server through REDIRECT and xinetd's relay, and the
 * nat listing must read as the simulator's (src/shell/cmd/iptables.test.ts checks its format).
 *
 * This builds the lesson by hand, without the engine; the netns engine does the same itself
 * (files in /etc/netns/NAME, the real tools behind the shell's checks), tested through the Lab
 * interface by src/engines/netns/relay-conformance.test.ts.
 * Needs root, iproute2, iptables, xinetd, netcat-openbsd (FAILS under CI=true when missing):
 *   flock /tmp/routelab-netns.lock npx vitest run test/system/netns-relay.test.ts
 */
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { formatIpv4, formatPrefix } from "../../src/core/ip.js";
import { SECOND } from "../../src/core/time.js";
import { runOn } from "../../src/shell/sim.testkit.js";
import { buildNetwork } from "../../src/sim/build.js";
import { missingPrograms } from "./netns.testkit.js";
import { parseRoutelabYaml } from "../../src/topology/parse-yaml.js";

const CI = process.env.CI === "true";
const isRoot = process.getuid?.() === 0;
const ROOT = join(import.meta.dirname, "..", "..");
const TAG = (process.pid % 1679616).toString(36);
const ns = (node: string) => `rlr-${TAG}-${node}`;

function sh(...args: string[]): string {
  return execFileSync(args[0]!, args.slice(1), { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

/** Runs a shell line inside a node's namespace (with its /etc/netns bind mounts). */
function inNs(node: string, line: string): string {
  return sh("ip", "netns", "exec", ns(node), "sh", "-c", line);
}

/** The same commands on the simulator: the nat listing and the alias's ifconfig block. */
function simRun(): { listing: string; alias: string } {
  const net = buildNetwork(topo, 1);
  runOn(net, "server", "nc -l -k 22", { max: SECOND });
  for (const line of readFileSync(join(ROOT, "examples/lessons/relay.pass.txt"), "utf8").split("\n")) {
    const m = /^relay: (.*)$/.exec(line);
    if (m && !m[1]!.startsWith("iptables -t nat -L")) runOn(net, "relay", m[1]!);
  }
  runOn(net, "client", "echo hello | nc -w 3 192.168.10.200 22");
  return {
    listing: runOn(net, "relay", "iptables -t nat -L PREROUTING -n -v").out,
    alias: runOn(net, "relay", "ifconfig eth0:1").out,
  };
}

const topo = parseRoutelabYaml(readFileSync(join(ROOT, "examples/lessons/relay.yaml"), "utf8"), "relay.yaml");
const started: number[] = [];
const made: string[] = [];

afterAll(() => {
  for (const pid of started) {
    try {
      process.kill(pid);
    } catch {}
  }
  for (const n of topo.nodes) {
    try {
      sh("ip", "netns", "del", ns(n.name));
    } catch {}
    rmSync(`/etc/netns/${ns(n.name)}`, { recursive: true, force: true });
  }
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

const needed = ["ip", "iptables", "xinetd", "nc", "ifconfig"];
const ready = isRoot && missingPrograms(needed).length === 0;
if (CI && !ready) throw new Error(`netns-relay needs root and ${needed.join(", ")} under CI`);

describe.runIf(ready)("the relay lesson on network namespaces with the real iptables and xinetd", () => {
  it("the post's commands make a client's nc to the old address reach the moved server", async () => {
    for (const n of topo.nodes) {
      sh("ip", "netns", "add", ns(n.name));
      sh("ip", "-n", ns(n.name), "link", "set", "lo", "up");
      // The node's files, seen at their paths inside its namespace by `ip netns exec`.
      const etc = `/etc/netns/${ns(n.name)}`;
      if (n.files || n.os === "linux") {
        mkdirSync(etc, { recursive: true });
        writeFileSync(join(etc, "services"), readFileSync("/etc/services", "utf8"));
        mkdirSync(join(etc, "xinetd.d"), { recursive: true });
        for (const [path, content] of Object.entries(n.files ?? {})) {
          const local = join(etc, path.replace(/^\/etc\//, ""));
          mkdirSync(dirname(local), { recursive: true });
          writeFileSync(local, content);
        }
      }
    }
    for (const l of topo.links) {
      sh(
        "ip",
        "link",
        "add",
        l.a.iface,
        "netns",
        ns(l.a.node),
        "type",
        "veth",
        "peer",
        "name",
        l.b.iface,
        "netns",
        ns(l.b.node),
      );
      for (const e of [l.a, l.b]) {
        sh(
          "ip",
          "-n",
          ns(e.node),
          "addr",
          "add",
          `${formatIpv4(e.addr)}/${l.len}`,
          "brd",
          "+",
          "dev",
          e.iface,
        );
        sh("ip", "-n", ns(e.node), "link", "set", e.iface, "up");
      }
    }
    for (const n of topo.nodes) {
      inNs(n.name, "sysctl -qw net.ipv4.ip_forward=1");
      for (const s of n.statics)
        sh(
          "ip",
          "-n",
          ns(n.name),
          "route",
          "add",
          formatPrefix({ addr: s.dest, len: s.len }),
          "via",
          formatIpv4(s.gateway),
        );
    }
    // The moved server: a listener on port 22 that writes what it receives.
    const got = join("/tmp", `rlr-${TAG}-server.out`);
    made.push(got);
    const server = spawn("ip", ["netns", "exec", ns("server"), "sh", "-c", `nc -l 22 < /dev/null > ${got}`], {
      stdio: "ignore",
    });
    started.push(server.pid!);
    // relay.pass.txt, as root on the relay: the post's commands.
    inNs("relay", "ifconfig eth0:1 inet 192.168.10.200 netmask 255.255.255.255");
    inNs(
      "relay",
      "iptables -t nat -A PREROUTING -p tcp --dest 192.168.10.200 --dport 22 -j REDIRECT --to-port 50022",
    );
    inNs("relay", 'echo "hoge-ssh        50022/tcp" >> /etc/services');
    const pidfile = join("/tmp", `rlr-${TAG}-xinetd.pid`);
    made.push(pidfile);
    const xinetd = spawn("ip", ["netns", "exec", ns("relay"), "xinetd", "-dontfork", "-pidfile", pidfile], {
      stdio: "ignore",
    });
    started.push(xinetd.pid!);
    // xinetd is ready when it listens on 50022.
    for (let k = 0; k < 50 && !inNs("relay", "ss -ltn").includes(":50022"); k++)
      await new Promise((r) => setTimeout(r, 100));
    expect(inNs("relay", "ss -ltn")).toContain(":50022");
    for (let k = 0; k < 50 && !/:22\b/.test(inNs("server", "ss -ltn")); k++)
      await new Promise((r) => setTimeout(r, 100));
    const out = inNs("client", "echo hello | nc -N -w 5 192.168.10.200 22; echo exit=$?");
    expect(out).toBe("exit=0\n");
    for (let k = 0; k < 50 && readFileSync(got, "utf8") === ""; k++)
      await new Promise((r) => setTimeout(r, 100));
    expect(readFileSync(got, "utf8")).toBe("hello\n");
    // The rule counted the connection's first packet; the listing and the alias read as the
    // simulator's after the same commands (the byte counts differ: Linux's SYN carries more options).
    const sim = simRun();
    const counters = (t: string) =>
      t
        .replace(/\(policy ACCEPT \d+ packets, \d+ bytes\)/g, "(policy ACCEPT P packets, B bytes)")
        .replace(/^( +1 +)\d+/m, "$1B");
    expect(counters(inNs("relay", "iptables -t nat -L PREROUTING -n -v"))).toBe(counters(sim.listing));
    expect(inNs("relay", "ifconfig eth0:1").replace(/ether \S+/, "ether M")).toBe(
      sim.alias.replace(/ether \S+/, "ether M"),
    );
  }, 60_000);
});
