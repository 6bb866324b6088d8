/**
 * @module server/control
 * The instructor's controls as typed commands, so the teacher can break the network from the
 * same terminal the class uses: `link down vm1 vm2 [--silent]`, `link up vm1 vm2`,
 * `link vm1 vm2 delay 20ms loss 10%`, `node down vm3`, `node up vm3`, `clock`, `clock speed 2`,
 * `clock pause`, `clock resume`.
 * They act on the Lab (not on one node), so the server handles them, never a node's shell.
 * Who may use them is policy.ts's business; this only runs them.
 */
import { LabError } from "../core/errors.js";
import { MAX_SPEED, MIN_SPEED } from "../core/limits.js";
import { describeShape, parseShapeWords } from "../lab/link-shape.js";
import { CONTROL_COMMANDS } from "./policy.js";
import { afterward, type ServerLab } from "./server-lab.js";

export interface ControlResult {
  output: string;
  status: number;
}

const EX_USAGE = 64;

/** The control commands as `help` lists them for instructors: name and one line. */
export const CONTROL_HELP: readonly { name: string; summary: string }[] = [
  {
    name: "link",
    summary:
      "take a link down or up, or change it (link down vm1 vm2 [--silent]; link vm1 vm2 delay 20ms loss 10%)",
  },
  { name: "node", summary: "crash a router or boot it again (node down vm3; node up vm3)" },
  { name: "clock", summary: "show the lab's clock, or pause, resume or change its speed (clock speed 2)" },
];

type Result = ControlResult | Promise<ControlResult>;

/**
 * Runs `words` if it is a control command; undefined when it is not one. The result is a
 * promise when the lab answers later (the simulation in a worker thread), else a value.
 */
export function runControlCommand(lab: ServerLab, words: string[]): Result | undefined {
  const [cmd, ...args] = words;
  if (cmd === undefined || !CONTROL_COMMANDS.has(cmd)) return undefined;
  const refused = (e: unknown): ControlResult => {
    if (e instanceof LabError) return { output: `${cmd}: ${e.message}\n`, status: 1 };
    throw e;
  };
  try {
    const r = cmd === "link" ? link(lab, args) : cmd === "node" ? node(lab, args) : clock(lab, args);
    return r instanceof Promise ? r.catch(refused) : r;
  } catch (e) {
    return refused(e);
  }
}

function link(lab: ServerLab, args: string[]): Result {
  if (args[2] === "delay" || args[2] === "loss") {
    const [a, b] = args as [string, string];
    const shape = parseShapeWords(args.slice(2));
    if (!shape.ok) return { output: `${shape.error}\n`, status: EX_USAGE };
    return afterward(lab.setLinkShape(a, b, shape.value), () => ({
      output: `link ${a}-${b} ${describeShape(shape.value)}\n`,
      status: 0,
    }));
  }
  const silent = args.includes("--silent");
  const rest = args.filter((a) => a !== "--silent");
  const [dir, a, b] = rest;
  if ((dir !== "up" && dir !== "down") || !a || !b || rest.length !== 3 || (silent && dir === "up"))
    return {
      output: "usage: link down A B [--silent] | link up A B | link A B [delay DURATION] [loss RATE]\n",
      status: EX_USAGE,
    };
  return afterward(lab.setLink(a, b, dir === "up", silent ? { silent } : undefined), () => ({
    output: `link ${a}-${b} ${dir}${silent ? " (silent)" : ""}\n`,
    status: 0,
  }));
}

function node(lab: ServerLab, args: string[]): Result {
  const [dir, n] = args;
  if ((dir !== "up" && dir !== "down") || !n || args.length !== 2)
    return { output: "usage: node down NODE | node up NODE\n", status: EX_USAGE };
  return afterward(lab.setNode(n, dir === "up"), () => ({ output: `node ${n} ${dir}\n`, status: 0 }));
}

function clock(lab: ServerLab, args: string[]): Result {
  const p = lab.pacer;
  const show = () => {
    const c = lab.clock();
    return `clock ${(c.now / 1e9).toFixed(3)} s, speed ${c.speed}x${c.paused ? ", paused" : ""}\n`;
  };
  if (args.length === 0) return { output: show(), status: 0 };
  if (!p) return { output: "clock: this lab is not paced in real time\n", status: 1 };
  const [what, value] = args;
  let done: void | Promise<void>;
  if (what === "pause" && args.length === 1) done = p.pause();
  else if (what === "resume" && args.length === 1) done = p.resume();
  else if (what === "speed" && value !== undefined && args.length === 2) {
    const x = Number(value);
    if (!(x >= MIN_SPEED && x <= MAX_SPEED))
      return {
        output: `clock: speed '${value}' must be from ${MIN_SPEED} to ${MAX_SPEED}\n`,
        status: EX_USAGE,
      };
    done = p.setSpeed(x);
  } else return { output: "usage: clock [pause | resume | speed X]\n", status: EX_USAGE };
  return afterward(done, () => ({ output: show(), status: 0 }));
}
