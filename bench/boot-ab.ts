/**
 * @module bench/boot-ab
 * `npm run bench:boot-ab`: how long `routelab up` takes from its spawn to the banner's "live
 * picture and API" line, for two commands (two builds, or one build on two threads), taking
 * turns and alternating which goes first; medians of each side and the median of the pairs'
 * ratios B/A, with the load average. Each server is stopped (SIGTERM) once it has printed.
 *
 *   npm run bench:boot-ab -- --a "node /tmp/base/bin/routelab.js" --b "node bin/routelab.js" --pairs 10
 *   npm run bench:boot-ab -- --a "node bin/routelab.js" --b "node bin/routelab.js" \
 *     --a-thread main --b-thread worker
 *
 * A side is a command split at spaces; `--topology` is `random-N` (gen-topology.py, degree 3,
 * seed 1) or a file (default random-2000: session 9's slow worker boot, docs/performance.md,
 * "The simulation's worker, session 10").
 */
import { spawn } from "node:child_process";
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import { median } from "./stats.js";
import { topologyFile } from "./topologies.js";

const USAGE = `usage: npm run bench:boot-ab -- --a "CMD" --b "CMD" [--a-thread worker|main] [--b-thread worker|main]
  [--pairs N] [--topology random-2000|FILE]`;

function fail(msg: string): never {
  process.stderr.write(`bench:boot-ab: ${msg}\n${USAGE}\n`);
  process.exit(2);
}

const { values } = parseArgs({
  options: {
    a: { type: "string" },
    b: { type: "string" },
    "a-thread": { type: "string", default: "worker" },
    "b-thread": { type: "string", default: "worker" },
    pairs: { type: "string", default: "8" },
    topology: { type: "string", default: "random-2000" },
  },
});
if (values.a === undefined || values.b === undefined) fail("--a and --b are required");
const pairs = Number(values.pairs);
if (!Number.isInteger(pairs) || pairs < 1) fail(`--pairs: '${values.pairs}' is not a positive integer`);
for (const t of [values["a-thread"], values["b-thread"]])
  if (t !== "worker" && t !== "main") fail(`--a-thread/--b-thread: '${t}' is not worker or main`);

const file = topologyFile(values.topology);

interface Side {
  name: string;
  command: string[];
  thread: string;
  ms: number[];
}

const sides: [Side, Side] = [
  { name: "A", command: values.a.split(" ").filter(Boolean), thread: values["a-thread"], ms: [] },
  { name: "B", command: values.b.split(" ").filter(Boolean), thread: values["b-thread"], ms: [] },
];

/** One boot: spawn → the banner's URL line, ms; the server is stopped before this resolves. */
function boot(side: Side): Promise<number> {
  const [cmd, ...args] = side.command;
  const t0 = performance.now();
  const child = spawn(cmd!, [...args, "up", file, "--http", "0", "--no-ssh", "--log-level", "silent"], {
    env: { ...process.env, ROUTELAB_SIM_THREAD: side.thread },
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    let out = "";
    let ms: number | undefined;
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      if (ms === undefined && /live picture and API: http/.test(out)) {
        ms = performance.now() - t0;
        child.kill("SIGTERM");
      }
    });
    child.once("exit", (code) =>
      ms !== undefined
        ? resolve(ms)
        : reject(new Error(`${side.name}: exited ${code} before its banner: ${out}`)),
    );
  });
}

const load0 = loadavg()[0]!;
const ratios: number[] = [];
for (let i = 0; i < pairs; i++) {
  for (const side of i % 2 === 0 ? sides : [sides[1], sides[0]]) side.ms.push(await boot(side));
  ratios.push(sides[1].ms[i]! / sides[0].ms[i]!);
  process.stdout.write(
    `pair ${i + 1}/${pairs}: ${sides[0].ms[i]!.toFixed(0)} / ${sides[1].ms[i]!.toFixed(0)} ms, load ${loadavg()[0]!.toFixed(1)}\n`,
  );
}
process.stdout.write(
  `${values.topology}, boot to the banner, ${pairs} pairs; load average ${load0.toFixed(1)} → ${loadavg()[0]!.toFixed(1)}\n`,
);
for (const s of sides)
  process.stdout.write(
    `${s.name}: ${s.command.join(" ")} (${s.thread})  median ${median(s.ms).toFixed(0)} ms\n`,
  );
process.stdout.write(
  `B/A ${median(ratios).toFixed(3)} (pairs ${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)})\n`,
);
