/**
 * @module shell/cmd/iptables
 * `iptables` on an `os: linux` node, for the nat table the seed's post used:
 *
 *     iptables -t nat -A PREROUTING -p tcp --dest 192.168.10.200 --dport 22 -j REDIRECT --to-port 50022
 *
 * Commands -A, -I [N], -D (a rule or its number), -F, -Z, -L [-n] [-v] [-x] [--line-numbers];
 * matches -p, -s, -d, -i, -o, --sport, --dport (after -p tcp|udp), -m tcp|udp; targets REDIRECT
 * [--to-ports P], DNAT --to-destination A[:P], ACCEPT. Long options may be shortened to any
 * unambiguous prefix (getopt_long), so the post's `--dest` and `--to-port` work; the protocol's
 * own options are known only after `-p`, as iptables loads the match then (`--dport` without
 * `-p tcp` is an unknown option). The messages and exit statuses are iptables 1.8.9's, captured
 * on this machine (test/fixtures/linux/iptables-*.txt and capture-linux.sh). The filter table
 * lists empty (the simulator filters nothing); other tables are refused.
 */
import { type Ipv4, parseIpv4, parsePrefix } from "../../core/ip.js";
import type { ProgramIo } from "../../apps/process.js";
import { NAT_CHAINS, type NatChain, type NatRule, type NatTarget } from "../../sim/netfilter.js";
import type { Command } from "../commands.js";
import { isPrivileged, type ShellContext } from "../context.js";
import { listChains } from "./iptables-list.js";

const V = "iptables v1.8.9 (nf_tables): ";
const TRY = "Try `iptables -h' or 'iptables --help' for more information.\n";

class Usage extends Error {
  constructor(
    message: string,
    readonly code = 2,
    readonly bare = false,
  ) {
    super(message);
  }
}

const CORE_LONG: Record<string, string> = {
  "--table": "-t",
  "--append": "-A",
  "--delete": "-D",
  "--insert": "-I",
  "--flush": "-F",
  "--zero": "-Z",
  "--list": "-L",
  "--numeric": "-n",
  "--verbose": "-v",
  "--exact": "-x",
  "--line-numbers": "--line-numbers",
  "--protocol": "-p",
  "--source": "-s",
  "--src": "-s",
  "--destination": "-d",
  "--dst": "-d",
  "--in-interface": "-i",
  "--out-interface": "-o",
  "--jump": "-j",
  "--match": "-m",
};
const PORT_LONG: Record<string, string> = {
  "--source-port": "--sport",
  "--sport": "--sport",
  "--destination-port": "--dport",
  "--dport": "--dport",
};
const TARGET_LONG: Record<string, Record<string, string>> = {
  REDIRECT: { "--to-ports": "--to-ports" },
  DNAT: { "--to-destination": "--to-destination" },
  ACCEPT: {},
};

/** getopt_long: an exact name, or the one long option `word` is a prefix of. */
function longOption(word: string, table: Record<string, string>): string | undefined {
  if (table[word] !== undefined) return table[word];
  const hits = [
    ...new Set(
      Object.keys(table)
        .filter((k) => k.startsWith(word))
        .map((k) => table[k]!),
    ),
  ];
  return hits.length === 1 ? hits[0] : undefined;
}

interface Parsed {
  table: string;
  command?: "A" | "D" | "I" | "F" | "Z" | "L";
  chain?: string;
  num?: number;
  numeric: boolean;
  verbose: boolean;
  exact: boolean;
  lineNumbers: boolean;
  rule: Partial<NatRule>;
  targetName?: string;
  targetArgs: Record<string, string>;
}

function parsePort(text: string, what: "match" | "target"): number {
  const n = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!(n >= 0 && n <= 65535))
    throw new Usage(
      what === "match" ? `invalid port/service \`${text}' specified` : `Port \`${text}' not valid`,
    );
  return n;
}

function parseProto(text: string): number | undefined {
  const names: Record<string, number> = { all: 0, icmp: 1, tcp: 6, udp: 17 };
  const n = names[text.toLowerCase()] ?? (/^\d+$/.test(text) ? Number(text) : undefined);
  if (n === undefined || n > 255) throw new Usage(`unknown protocol "${text}" specified`);
  return n === 0 ? undefined : n;
}

function parseAddr(text: string): { addr: Ipv4; len: number } {
  const p = parsePrefix(text.includes("/") ? text : `${text}/32`, false);
  if (p === undefined) throw new Usage(`host/network \`${text}' not found`);
  return p;
}

function parseArgs(args: string[]): Parsed {
  const p: Parsed = {
    table: "filter",
    numeric: false,
    verbose: false,
    exact: false,
    lineNumbers: false,
    rule: {},
    targetArgs: {},
  };
  const setCommand = (c: Parsed["command"]) => {
    if (p.command !== undefined) throw new Usage("Cannot use more than one command");
    p.command = c;
  };
  const optional = (k: number): string | undefined => {
    const w = args[k];
    return w !== undefined && !w.startsWith("-") ? w : undefined;
  };
  for (let k = 0; k < args.length; k++) {
    let w = args[k]!;
    const need = (): string => {
      const v = args[++k];
      if (v === undefined) throw new Usage(`option "${w}" requires an argument`);
      return v;
    };
    if (w.startsWith("--")) {
      const proto = p.rule.proto;
      const portOpt = proto === 6 || proto === 17 ? longOption(w, PORT_LONG) : undefined;
      const targetOpt = p.targetName ? longOption(w, TARGET_LONG[p.targetName] ?? {}) : undefined;
      const core = longOption(w, CORE_LONG);
      const resolved = core ?? portOpt ?? targetOpt;
      if (resolved === undefined) throw new Usage(`unknown option "${w}"`);
      if (resolved === "--sport" || resolved === "--dport") {
        p.rule[resolved === "--sport" ? "sport" : "dport"] = parsePort(need(), "match");
        continue;
      }
      if (resolved === "--to-ports" || resolved === "--to-destination") {
        p.targetArgs[resolved] = need();
        continue;
      }
      if (resolved === "--line-numbers") {
        p.lineNumbers = true;
        continue;
      }
      w = resolved;
    } else if (/^-[nvx]{2,}$/.test(w)) {
      // Bundled flags (`-nv`, `-nvx`), as getopt reads them.
      for (const c of w.slice(1)) {
        if (c === "n") p.numeric = true;
        if (c === "v") p.verbose = true;
        if (c === "x") p.exact = true;
      }
      continue;
    } else if (/^-[ADIFZL][nvx]+$/.test(w)) {
      args.splice(k + 1, 0, `-${w.slice(2)}`);
      w = w.slice(0, 2);
    }
    switch (w) {
      case "-t":
        p.table = need();
        break;
      case "-A":
      case "-D":
      case "-I":
        setCommand(w[1] as "A" | "D" | "I");
        p.chain = need();
        if (w !== "-A" && optional(k + 1) !== undefined && /^\d+$/.test(args[k + 1]!))
          p.num = Number(args[++k]);
        break;
      case "-F":
      case "-Z":
      case "-L":
        setCommand(w[1] as "F" | "Z" | "L");
        if (optional(k + 1) !== undefined) p.chain = args[++k];
        break;
      case "-n":
        p.numeric = true;
        break;
      case "-v":
        p.verbose = true;
        break;
      case "-x":
        p.exact = true;
        break;
      case "-p":
        p.rule.proto = parseProto(need());
        break;
      case "-s":
        p.rule.src = parseAddr(need());
        break;
      case "-d":
        p.rule.dst = parseAddr(need());
        break;
      case "-i":
        p.rule.inIface = need();
        break;
      case "-o":
        p.rule.outIface = need();
        break;
      case "-m": {
        const m = need();
        if (m !== "tcp" && m !== "udp")
          throw new Usage(`Couldn't load match \`${m}':No such file or directory`);
        break;
      }
      case "-j": {
        const t = need();
        if (TARGET_LONG[t] === undefined) throw new Usage(`Chain '${t}' does not exist`);
        p.targetName = t;
        break;
      }
      default:
        throw new Usage(w.startsWith("-") ? `unknown option "${w}"` : `Bad argument \`${w}'`);
    }
  }
  return p;
}

function buildTarget(p: Parsed): NatTarget {
  if (p.targetName === "REDIRECT") {
    const to = p.targetArgs["--to-ports"];
    return to === undefined ? { kind: "REDIRECT" } : { kind: "REDIRECT", toPort: parsePort(to, "target") };
  }
  if (p.targetName === "DNAT") {
    const to = p.targetArgs["--to-destination"];
    if (to === undefined) throw new Usage('DNAT: option "--to-destination" must be specified\n');
    const [a, port] = to.split(":");
    const addr = parseIpv4(a ?? "");
    if (addr === undefined) throw new Usage(`Bad IP address "${a}"`);
    return port === undefined
      ? { kind: "DNAT", addr }
      : { kind: "DNAT", addr, port: parsePort(port, "target") };
  }
  return { kind: "ACCEPT" };
}

function sameRule(a: NatRule, b: NatRule): boolean {
  const pre = (x?: { addr: number; len: number }) => (x ? `${x.addr}/${x.len}` : "");
  return (
    a.proto === b.proto &&
    pre(a.src) === pre(b.src) &&
    pre(a.dst) === pre(b.dst) &&
    a.inIface === b.inIface &&
    a.outIface === b.outIface &&
    a.sport === b.sport &&
    a.dport === b.dport &&
    JSON.stringify(a.target) === JSON.stringify(b.target)
  );
}

function run(ctx: ShellContext, args: string[], io: ProgramIo): number {
  const p = parseArgs([...args]);
  if (!isPrivileged(ctx))
    throw new Usage("Could not fetch rule set generation id: Permission denied (you must be root)", 4, true);
  if (p.command === undefined) throw new Usage("no command specified");
  const fmt = { verbose: p.verbose, exact: p.exact, lineNumbers: p.lineNumbers };
  if (p.table === "filter") {
    if (p.command !== "L" && p.command !== "F" && p.command !== "Z")
      throw new Usage("the filter table is not simulated in routelab (use -t nat)", 1, true);
    if (p.command === "L") {
      const empty = { rules: [], pkts: 0, bytes: 0 };
      const chains = ["INPUT", "FORWARD", "OUTPUT"].filter((c) => p.chain === undefined || c === p.chain);
      if (chains.length === 0) return bare(io, "iptables: No chain/target/match by that name.", 1);
      io.out(
        listChains(
          chains.map((c) => [c, empty]),
          fmt,
        ),
      );
    }
    return 0;
  }
  if (p.table !== "nat")
    throw new Usage(`table '${p.table}' is not simulated in routelab (nat and filter are)`, 1, true);
  const nf = ctx.netfilter?.();
  if (nf === undefined) throw new Usage("no nat table on this node", 1, true);
  const chain = p.chain as NatChain | undefined;
  if (chain !== undefined && !NAT_CHAINS.includes(chain))
    return bare(io, "iptables: No chain/target/match by that name.", 1);
  switch (p.command) {
    case "L":
      io.out(
        listChains(
          (chain ? [chain] : NAT_CHAINS).map((c) => [c, nf.chains[c]]),
          fmt,
        ),
      );
      return 0;
    case "F":
      nf.flush(chain);
      return 0;
    case "Z":
      nf.zero(chain);
      return 0;
  }
  const rules = nf.chains[chain!].rules;
  if (p.command === "D" && p.num !== undefined) {
    if (p.num < 1 || p.num > rules.length) return bare(io, "iptables: Index of deletion too big.", 1);
    rules.splice(p.num - 1, 1);
    return 0;
  }
  if (p.targetName === undefined)
    throw new Usage("a rule needs a target here (-j REDIRECT, DNAT or ACCEPT)", 2);
  const target = buildTarget(p);
  const rule: NatRule = { ...p.rule, target, pkts: 0, bytes: 0 };
  if (p.command === "D") {
    const k = rules.findIndex((r) => sameRule(r, rule));
    if (k < 0) return bare(io, "iptables: Bad rule (does a matching rule exist in that chain?).", 1);
    rules.splice(k, 1);
    return 0;
  }
  // REDIRECT and DNAT hook only PREROUTING and OUTPUT (their xt_target .hooks): nf_tables refuses.
  if (target.kind !== "ACCEPT" && chain !== "PREROUTING" && chain !== "OUTPUT")
    throw new Usage(` RULE_APPEND failed (Invalid argument): rule in chain ${chain}`, 4, true);
  if (p.command === "I") {
    const at = (p.num ?? 1) - 1;
    if (at > rules.length) return bare(io, "iptables: Index of insertion too big.", 1);
    rules.splice(at, 0, rule);
  } else rules.push(rule);
  return 0;
}

function bare(io: ProgramIo, msg: string, code: number): number {
  io.err(`${msg}\n`);
  return code;
}

export const iptablesCommand: Command = {
  name: "iptables",
  summary: "Linux: the nat table (iptables -t nat -A PREROUTING … -j REDIRECT, -L -n -v, -D, -F)",
  os: "linux",
  run(ctx, args, io) {
    try {
      return run(ctx, args, io);
    } catch (e) {
      if (!(e instanceof Usage)) throw e;
      io.err(`${V}${e.message}\n${e.bare ? "" : TRY}`);
      return e.code;
    }
  },
};
