/**
 * @module bench/options
 * The benchmark's command line. The workload options are the ns-3 peer's own flags
 * (shared/bench/ns3/rip-peer.cc: --time --pings --interval --failAt --failLink --seed), with the
 * same defaults except --pings (the reference workload uses 50), so one set of numbers drives
 * both simulators and a run on each is the same work.
 */
import { homedir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";

export interface WorkloadOptions {
  /** Simulated seconds. */
  time: number;
  /** Ping flows between random node pairs (first echo at 60 s, as the peer). */
  pings: number;
  /** Seconds between echo requests of one flow. */
  interval: number;
  /** Second at which failLink goes down; negative for none. */
  failAt: number;
  /** "A,B": the link to fail. */
  failLink: string;
  seed: number;
}

export interface BenchOptions extends WorkloadOptions {
  /** Only workloads whose name contains this. */
  only: string[];
  json: string | undefined;
  quick: boolean;
  /** Runs of each cheap workload; the median is reported. */
  runs: number;
  /** Skip the ns-3 peer even when it can be built. */
  noPeer: boolean;
  /** Where the ns-3 peer binary is (built there when missing). */
  peer: string;
  /**
   * The peer built against an optimized ns-3 (shared/bench/ns3/build-optimized.sh): run beside
   * Debian's when the file exists, never built here (15-30 minutes; never in CI).
   */
  peerOpt: string;
  /** The ns-3 forwarding peer (bench/ns3/forward-peer.cc), built there when missing. */
  forwardPeer: string;
  /** Run the peer only on topologies of at most this many routers (ns-3 needs ~15 min at 1,000). */
  peerMax: number;
}

export const USAGE = `usage: npm run bench -- [options]

workload (same flags and meaning as the ns-3 peer, shared/bench/ns3/rip-peer.cc):
  --time S          simulated seconds of each RIP run (600)
  --pings K         ping flows between random node pairs, from 60 s on (50)
  --interval S      seconds between echo requests of a flow (1)
  --failAt S        second at which --failLink goes down (none)
  --failLink A,B    the link to fail
  --seed N          random seed (1)
harness:
  --only NAME       run only workloads whose name contains NAME (repeatable): scheduler,
                    forward, rip TOPO, converge TOPO, scale, cli seed, cli TOPO,
                    process random-100, memory TOPO, netns-boot, ospf seed, ospf random-100;
                    page alone: the page's frame times (= npm run bench:page; a whole
                    run, without --quick or --only, ends with them)
  --quick           small topologies and one run each (a minute)
  --runs N          runs of each workload of ours, median reported (3; 1 with --quick;
                    a run over a minute is not repeated)
  --json FILE       also write the results as JSON
  --no-peer         leave out the ns-3 column
  --peer PATH       ns-3 peer binary, built there from libns3-dev when missing (/tmp/rip-peer)
  --peer-opt PATH   the peer linked against an optimized ns-3, run beside Debian's when present
                    (~/.cache/rip-peer-opt; never built by the bench: make it with
                    ../shared/bench/ns3/build-optimized.sh ~/.cache/rip-peer-opt, 15-30 min)
  --forward-peer PATH  ns-3 forwarding peer (bench/ns3/forward-peer.cc), built there from
                    libns3-dev when missing (/tmp/forward-peer)
  --peer-max N      run ns-3 only on topologies of at most N routers (all; ns-3 needs
                    about 15 minutes for random-1000)
  -h, --help`;

export function parseOptions(argv: string[]): BenchOptions | "help" {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      time: { type: "string", default: "600" },
      pings: { type: "string", default: "50" },
      interval: { type: "string", default: "1" },
      failAt: { type: "string", default: "-1" },
      failLink: { type: "string", default: "" },
      seed: { type: "string", default: "1" },
      only: { type: "string", multiple: true, default: [] },
      json: { type: "string" },
      quick: { type: "boolean", default: false },
      runs: { type: "string" },
      "no-peer": { type: "boolean", default: false },
      peer: { type: "string", default: "/tmp/rip-peer" },
      "forward-peer": { type: "string", default: "/tmp/forward-peer" },
      "peer-opt": { type: "string", default: join(homedir(), ".cache", "rip-peer-opt") },
      "peer-max": { type: "string", default: "1000000" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) return "help";
  const num = (name: string, text: string, min: number): number => {
    const n = Number(text);
    if (!Number.isFinite(n) || n < min) throw new Error(`--${name}: '${text}' is not a number >= ${min}`);
    return n;
  };
  const failLink = values.failLink;
  if (failLink !== "" && !/^[^,\s]+,[^,\s]+$/.test(failLink))
    throw new Error(`--failLink: '${failLink}' is not A,B (two node names)`);
  const failAt = Number(values.failAt);
  if (failLink !== "" && !(failAt >= 0)) throw new Error("--failLink needs --failAt S (a second >= 0)");
  return {
    time: num("time", values.time, 1),
    pings: Math.floor(num("pings", values.pings, 0)),
    interval: num("interval", values.interval, 0.001),
    failAt: Number.isFinite(failAt) ? failAt : -1,
    failLink,
    seed: Math.floor(num("seed", values.seed, 0)),
    only: values.only,
    json: values.json,
    quick: values.quick,
    runs: Math.floor(num("runs", values.runs ?? (values.quick ? "1" : "3"), 1)),
    noPeer: values["no-peer"],
    peer: values.peer,
    peerOpt: values["peer-opt"],
    forwardPeer: values["forward-peer"],
    peerMax: Math.floor(num("peer-max", values["peer-max"], 0)),
  };
}
