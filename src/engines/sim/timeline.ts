/**
 * @module engines/sim/timeline
 * Deterministic replay of a lab's inputs. The simulator is a pure function of (topology, seed,
 * inputs), so a journal of the inputs — link and node changes (a link's delay and loss too),
 * commands and their Ctrl-C, a terminal's `ssh` connections opened and closed — each stamped with the virtual time and the number of simulator
 * events run before it, rebuilds any moment exactly: build the lab afresh and apply each input
 * after the same number of events. The event count, not the time alone, places an input
 * between events due at the same nanosecond, so the replay is byte for byte the original run.
 */
import type { Nanos } from "../../core/time.js";
import type { ExecOptions, Execution, LinkShape } from "../../lab/lab.js";
import type { ShellHop } from "../../shell/session.js";
import type { SimLab } from "./sim-lab.js";

/** One input to the lab, with where it was applied: time `t`, after `k` simulator events. */
export type Input = { t: Nanos; k: number } & (
  | { kind: "link"; a: string; b: string; up: boolean; silent: boolean }
  | { kind: "shape"; a: string; b: string; shape: LinkShape }
  | { kind: "node"; node: string; up: boolean }
  | { kind: "exec"; id: number; node: string; line: string; user: string; privileged?: boolean }
  | { kind: "interrupt"; id: number }
  | { kind: "stdin"; id: number; text: string }
  | { kind: "eof"; id: number }
  | { kind: "ssh"; id: number; from: string; host: string; user: string }
  | { kind: "ssh-close"; id: number }
);

/** Distributes an input without its stamp (the lab stamps it when applied). */
export type InputBody = Input extends infer I ? (I extends Input ? Omit<I, "t" | "k"> : never) : never;

/** One lab and the inputs it has had and is still to have (the recorded future, after a rewind). */
export class Timeline {
  /** Inputs applied, in order. */
  readonly applied: Input[] = [];
  /** Running commands by journal id, to deliver Ctrl-C to the right one (ended ones are dropped). */
  readonly execs = new Map<number, Execution>();
  /** Open `ssh` connections by journal id, to close the right one. */
  readonly hops = new Map<number, ShellHop>();
  /** Times the recorded future could not be met (should stay 0: the replay is deterministic). */
  diverged = 0;

  constructor(
    readonly lab: SimLab,
    /** Inputs recorded earlier, applied as the clock passes their moment. */
    public future: Input[],
    /** Where command output goes (by journal id); none for replayed commands by default. */
    private readonly writerFor: (id: number) => ((s: string) => void) | undefined = () => undefined,
    /** Who hears that an `ssh` connection (by journal id) ended by itself; nobody in a replay by default. */
    private readonly lostFor: (id: number) => ((message: string) => void) | undefined = () => undefined,
  ) {}

  /** Stamps an input with the current moment. */
  stamp(body: InputBody): Input {
    const s = this.lab.net.scheduler;
    return { ...body, t: s.now(), k: s.executed } as Input;
  }

  /** Applies an input to the lab (throws LabError, as the lab does, for bad names). */
  apply(i: Input): Execution | ShellHop | undefined {
    const lab = this.lab;
    switch (i.kind) {
      case "link":
        lab.setLink(i.a, i.b, i.up, { silent: i.silent });
        break;
      case "node":
        lab.setNode(i.node, i.up);
        break;
      case "shape":
        lab.setLinkShape(i.a, i.b, i.shape);
        break;
      case "exec": {
        const write = this.writerFor(i.id);
        const opts: ExecOptions = { user: i.user };
        if (i.privileged) opts.privileged = true;
        if (write) opts.write = write;
        const x = lab.exec(i.node, i.line, opts);
        this.execs.set(i.id, x);
        // An ended command takes no more Ctrl-C or input (they do nothing to it, live or
        // replayed), so it is forgotten: kept, each one held its program, its shell and its
        // output path for the lesson's whole life (issue 23: 500 pings restarted every 30 s
        // grew the lab's heap by ~6 KB a command, without bound).
        const forget = () => this.execs.delete(i.id);
        x.done.then(forget, forget);
        this.applied.push(i);
        return x;
      }
      case "interrupt":
        this.execs.get(i.id)?.interrupt();
        break;
      case "stdin":
        this.execs.get(i.id)?.input?.(i.text);
        break;
      case "eof":
        this.execs.get(i.id)?.endInput?.();
        break;
      case "ssh": {
        const lost = this.lostFor(i.id);
        const hop = lab.ssh(i.from, i.host, lost ? { user: i.user, lost } : { user: i.user });
        this.hops.set(i.id, hop);
        this.applied.push(i);
        return hop;
      }
      case "ssh-close":
        this.hops.get(i.id)?.close();
        this.hops.delete(i.id);
        break;
    }
    this.applied.push(i);
    return undefined;
  }

  /**
   * Runs the lab to `until` (or until `cond` holds, checked after every event), applying the
   * recorded future at the exact points it was first applied, running at most `maxEvents`
   * events (the paced lab's bounded slice). Returns whether `cond` held, or with no `cond`
   * whether the clock got to `until` (false when the budget ran out first).
   */
  drive(until: Nanos, cond?: () => boolean, maxEvents = Number.POSITIVE_INFINITY): boolean {
    const s = this.lab.net.scheduler;
    const stopAt = s.executed + maxEvents;
    for (;;) {
      if (cond?.()) return true;
      if (s.executed >= stopAt) return false;
      const f = this.future[0];
      if (f && f.t <= until) {
        const next = s.peekTime();
        if (s.executed === f.k && next >= f.t) {
          // Nothing is due before the input: move the clock to it (when it stood between events).
          if (s.now() < f.t && next > f.t) s.runUntil(f.t);
          this.future.shift();
          this.apply(f);
          continue;
        }
        if (s.executed >= f.k || next > f.t) {
          this.diverged++;
          this.future = [];
          continue;
        }
        if (!cond && next < f.t) s.runSlice(f.t - 1, stopAt - s.executed);
        else s.step();
        continue;
      }
      if (!cond) return s.runSlice(until, stopAt - s.executed);
      if (s.peekTime() > until) {
        s.runUntil(until);
        return cond();
      }
      s.step();
    }
  }
}
