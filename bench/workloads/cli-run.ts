import { writeFileSync } from "node:fs";
import { basename, join, relative } from "node:path";
import { runTimed } from "../timed-process.js";
import { REPO } from "../topologies.js";

export interface CliRunSpec {
  /** Workload name, e.g. `seed` or `random-2000`. */
  name: string;
  /** The topology file (absolute). */
  topoFile: string;
  routers: number;
  links: number;
  from: string;
  to: string;
  /** Hops from `from` to `to` on the shortest path. */
  hops: number;
  /** Where to write the script. */
  scriptFile: string;
  /** How the topology file is made, when it is not in the repository (shown beside the figure). */
  madeBy?: string;
}

/** The README's seed figure: vm1 pings vm9, the far side of the seed network (2 hops). */
export function seedCliRun(scriptFile: string): CliRunSpec {
  return {
    name: "seed",
    topoFile: join(REPO, "examples", "seed.yaml"),
    routers: 9,
    links: 9,
    from: "vm1",
    to: "vm9",
    hops: 2,
    scriptFile,
  };
}

export interface CliRunResult {
  name: string;
  routers: number;
  links: number;
  from: string;
  to: string;
  hops: number;
  /** The command as a reader types it in the repository (time's flags aside). */
  command: string;
  /** How the topology file is made, when it is not in the repository. */
  madeBy?: string;
  /** Whole process, spawn to exit. */
  wallSeconds: number;
  /** User + system of the process, from /usr/bin/time. */
  cpuSeconds?: number;
  /** Peak resident set of the process, from /usr/bin/time. */
  maxRssBytes?: number;
  /** Simulated second of the last route change (`converged at t=…`). */
  convergedAtSimSeconds: number;
  /** TTL of the echo reply: 65 - hops when it crossed the shortest path. */
  replyTtl: number;
}

/** The script of the workload. */
export function cliScript(from: string, to: string): string {
  return `wait converged\n${from}: ping -c 1 ${to}\n`;
}

export function runCliRun(spec: CliRunSpec): CliRunResult {
  writeFileSync(spec.scriptFile, cliScript(spec.from, spec.to));
  const bin = join(REPO, "bin", "routelab.js");
  const args = [bin, "run", spec.topoFile, "--script", spec.scriptFile];
  const timed = runTimed(process.execPath, args, { cwd: REPO, maxBuffer: 16 << 20 });
  const { r, wallSeconds } = timed;
  const out = r.stdout ?? "";
  const fail = (why: string): never => {
    const tail = `${out}\n${r.stderr ?? ""}`.trim().split("\n").slice(-6).join(" | ");
    throw new Error(`cli run ${spec.name}: ${why} (exit ${r.status ?? r.signal}): ${tail}`);
  };
  const converged = /^converged at t=([\d.]+)s$/m.exec(out);
  if (!converged) fail("`wait converged` did not converge");
  const reply = /^64 bytes from [\d.]+: icmp_seq=0 ttl=(\d+) /m.exec(out);
  if (!reply || !/^1 packets transmitted, 1 packets received/m.test(out))
    fail(`${spec.from}'s ping to ${spec.to} was not answered`);
  const replyTtl = Number(reply![1]);
  if (replyTtl !== 65 - spec.hops)
    fail(`the reply's TTL is ${replyTtl}, not ${65 - spec.hops}: it did not cross the ${spec.hops} hops`);
  if (r.status !== 0) fail("the run failed");
  const result: CliRunResult = {
    name: spec.name,
    routers: spec.routers,
    links: spec.links,
    from: spec.from,
    to: spec.to,
    hops: spec.hops,
    command: `node bin/routelab.js run ${shown(spec.topoFile)} --script p.txt`,
    wallSeconds,
    convergedAtSimSeconds: Number(converged![1]),
    replyTtl,
  };
  if (spec.madeBy !== undefined) result.madeBy = spec.madeBy;
  if (timed.maxRssBytes !== undefined) result.maxRssBytes = timed.maxRssBytes;
  if (timed.cpuSeconds !== undefined) result.cpuSeconds = timed.cpuSeconds;
  return result;
}

/** A file as the command shows it: relative inside the repository, its name outside. */
function shown(file: string): string {
  const rel = relative(REPO, file);
  return rel.startsWith("..") ? basename(file) : rel;
}
