/**
 * iptables on an `os: linux` node against iptables 1.8.9 (nf_tables) itself: the same commands
 * capture-linux.sh ran in a namespace, and the listings and messages it wrote
 * (test/fixtures/linux/iptables-*.txt), byte for byte; then the counters, which the fixture
 * leaves at 0, with xtables_print_num's rounding (libxtables/xtables.c).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildNetwork } from "../../sim/build.js";
import { parseRoutelabYaml } from "../../topology/parse-yaml.js";
import { runOn } from "../sim.testkit.js";
import { printNum } from "./iptables-list.js";

const FIX = join(__dirname, "..", "..", "..", "test", "fixtures", "linux");
const fixture = (name: string) => readFileSync(join(FIX, name), "utf8");

const YAML = `
nodes:
  relay: {os: linux}
  r: {}
links:
  - endpoints: ["relay:eth0", "r:eth0"]
    subnet: 192.168.10.0/24
    addresses: [192.168.10.100, 192.168.10.1]
`;

function relay() {
  const net = buildNetwork(parseRoutelabYaml(YAML, "t.yaml"), 1);
  const run = (line: string, user = "root") => {
    const r = runOn(net, "relay", line, { user });
    return { out: r.out, code: r.code };
  };
  return { net, run };
}

/** A fixture of a failing command: its message, then `exit N`. */
const failed = (r: { out: string; code: number | undefined }) => `${r.out}exit ${r.code}\n`;

describe("iptables -t nat", () => {
  it("adds, lists, deletes and flushes as iptables 1.8.9 does (fixtures iptables-*.txt)", () => {
    const { run } = relay();
    for (const line of [
      // The post's line, with its shortened long options (--dest, --to-port).
      "iptables -t nat -A PREROUTING -p tcp --dest 192.168.10.200 --dport 22 -j REDIRECT --to-port 50022",
      "iptables -t nat -A PREROUTING -p tcp -d 192.168.10.201 --dport 80 -j DNAT --to-destination 192.168.20.200:8080",
      "iptables -t nat -A PREROUTING -d 192.168.10.202 -j DNAT --to-destination 192.168.20.202",
      "iptables -t nat -A PREROUTING -p udp -s 10.0.0.0/8 -i eth0 --sport 520 -j REDIRECT",
    ])
      expect(run(line)).toEqual({ out: "", code: 0 });
    expect(run("iptables -t nat -L -n -v").out).toBe(fixture("iptables-L-n-v.txt"));
    expect(run("iptables -t nat -L -n").out).toBe(fixture("iptables-L-n.txt"));
    expect(run("iptables -t nat -L PREROUTING -n -v -x --line-numbers").out).toBe(
      fixture("iptables-L-x-lines.txt"),
    );
    expect(run("iptables -t nat -D PREROUTING 3")).toEqual({ out: "", code: 0 });
    expect(
      run("iptables -t nat -D PREROUTING -p udp -s 10.0.0.0/8 -i eth0 --sport 520 -j REDIRECT").code,
    ).toBe(0);
    expect(failed(run("iptables -t nat -D PREROUTING 9"))).toBe(fixture("iptables-D-toobig.txt"));
    expect(failed(run("iptables -t nat -D PREROUTING -p tcp --dport 9 -j REDIRECT"))).toBe(
      fixture("iptables-D-norule.txt"),
    );
    expect(failed(run("iptables -t nat -A FOO -j REDIRECT"))).toBe(fixture("iptables-nochain.txt"));
    expect(run("iptables -t nat -L -n").out).toBe(fixture("iptables-after-D.txt"));
    expect(run("iptables -t nat -F")).toEqual({ out: "", code: 0 });
    expect(run("iptables -t nat -L -n").out).toBe(fixture("iptables-after-F.txt"));
  });

  it("refuses as iptables 1.8.9 does (messages captured in a namespace; exit 1, 2 or 4)", () => {
    const { run } = relay();
    const V = "iptables v1.8.9 (nf_tables): ";
    const TRY = "Try `iptables -h' or 'iptables --help' for more information.\n";
    expect(run("iptables -t nat -L -n", "alice")).toEqual({
      out: `${V}Could not fetch rule set generation id: Permission denied (you must be root)\n`,
      code: 4,
    });
    expect(run("iptables -t nat -A INPUT -j REDIRECT")).toEqual({
      out: `${V} RULE_APPEND failed (Invalid argument): rule in chain INPUT\n`,
      code: 4,
    });
    expect(run("iptables -t nat -A PREROUTING -p tcp --dport 22 -j REDIRECT --to-ports 99999")).toEqual({
      out: `${V}Port \`99999' not valid\n${TRY}`,
      code: 2,
    });
    expect(run("iptables -t nat -A PREROUTING -p tcp -j DNAT --to-destination 1.2.3")).toEqual({
      out: `${V}Bad IP address "1.2.3"\n${TRY}`,
      code: 2,
    });
    expect(run("iptables -t nat -A PREROUTING -j DNAT")).toEqual({
      out: `${V}DNAT: option "--to-destination" must be specified\n\n${TRY}`,
      code: 2,
    });
    expect(run("iptables -t nat -A PREROUTING --bogus 1 -j DNAT")).toEqual({
      out: `${V}unknown option "--bogus"\n${TRY}`,
      code: 2,
    });
    // --dport is the tcp match's: unknown until -p tcp loads it.
    expect(run("iptables -t nat -A PREROUTING --dport 22 -j REDIRECT")).toEqual({
      out: `${V}unknown option "--dport"\n${TRY}`,
      code: 2,
    });
    expect(run("iptables -t nat -A PREROUTING -j FOO")).toEqual({
      out: `${V}Chain 'FOO' does not exist\n${TRY}`,
      code: 2,
    });
    expect(run("iptables -t filter -L -n").out).toBe(
      "Chain INPUT (policy ACCEPT)\ntarget     prot opt source               destination         \n\n" +
        "Chain FORWARD (policy ACCEPT)\ntarget     prot opt source               destination         \n\n" +
        "Chain OUTPUT (policy ACCEPT)\ntarget     prot opt source               destination         \n",
    );
  });

  it("counts as xtables_print_num prints: 5 wide to 99999, then rounded K, M, G, T; -x exact", () => {
    const v = { verbose: true, exact: false, lineNumbers: false };
    expect(printNum(99999, v)).toBe("99999 ");
    expect(printNum(100000, v)).toBe(" 100K ");
    expect(printNum(9_999_499, v)).toBe("9999K ");
    expect(printNum(9_999_500, v)).toBe("  10M ");
    expect(printNum(12_345_678_901, v)).toBe("  12G ");
    expect(printNum(12_345_678_901_234, v)).toBe("  12T ");
    expect(printNum(123456, v, false)).toBe("123K ");
    expect(printNum(123456, { ...v, exact: true })).toBe("  123456 ");
  });
});
