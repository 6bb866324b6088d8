/**
 * @module web/controls
 * The clock bar (speed slider 0.05×–100× on a log scale, pause/resume, single step) and the
 * command box (run a command line on a node through /api/exec and show its output).
 */
import { ApiFailure, api, type ClockReply } from "./api.js";
import { $, h, setHidden, setText, setTitle } from "./dom.js";

import { MAX_SPEED, MIN_SPEED } from "../../src/core/limits.js";

export { MAX_SPEED, MIN_SPEED };
const SLIDER_MAX = 1000;

export function sliderToSpeed(v: number): number {
  const s = MIN_SPEED * (MAX_SPEED / MIN_SPEED) ** (v / SLIDER_MAX);
  // Round to two significant digits so 1× is reachable and labels stay short.
  const p = 10 ** (Math.floor(Math.log10(s)) - 1);
  return Math.min(MAX_SPEED, Math.max(MIN_SPEED, Math.round(s / p) * p));
}

export function speedToSlider(s: number): number {
  return Math.round((Math.log(s / MIN_SPEED) / Math.log(MAX_SPEED / MIN_SPEED)) * SLIDER_MAX);
}

export function fmtSpeed(s: number): string {
  return `${s >= 10 ? s.toFixed(0) : s >= 1 ? s.toFixed(1).replace(/\.0$/, "") : String(Number(s.toPrecision(2)))}×`;
}

export class ClockControls {
  paused = false;
  paced = true;

  constructor(private readonly report: (e: unknown) => void) {
    const slider = $<HTMLInputElement>("speed");
    slider.addEventListener("input", () => {
      $("speed-value").textContent = fmtSpeed(sliderToSpeed(Number(slider.value)));
    });
    slider.addEventListener("change", () => this.send({ speed: sliderToSpeed(Number(slider.value)) }));
    $("pause").addEventListener("click", () => this.send({ paused: !this.paused }));
    $("step").addEventListener("click", () => this.send({ step: $<HTMLSelectElement>("step-size").value }));
    window.addEventListener("keydown", (e) => {
      if (
        e.key === " " &&
        !(
          e.target instanceof HTMLInputElement ||
          e.target instanceof HTMLTextAreaElement || // a terminal's (xterm.js) input
          e.target instanceof HTMLSelectElement ||
          e.target instanceof HTMLButtonElement
        )
      ) {
        e.preventDefault();
        this.send({ paused: !this.paused });
      }
    });
  }

  /** Pauses the lab's clock if it runs and may be paused from here (a packet was opened); true if it asked. */
  pause(): boolean {
    if (this.paused || !this.paced) return false;
    void this.send({ paused: true });
    return true;
  }

  private async send(body: { speed?: number; paused?: boolean; step?: string }): Promise<void> {
    try {
      this.show(await api.setClock(body));
    } catch (e) {
      this.report(e);
    }
  }

  /** Shows a clock state (from a reply or a batch). */
  show(c: { speed: number; paused: boolean; paced?: boolean; actualSpeed?: number; behind?: boolean }): void {
    // The server slows the clock when the CPU cannot keep the asked speed (issue 23): say so.
    const behind = $("behind");
    setHidden(behind, !(c.behind && !c.paused && c.actualSpeed !== undefined));
    if (!behind.hidden) {
      const text = behindText(c.actualSpeed!);
      setText(behind, text);
      // The whole sentence on hover, where the header cuts it short (1024–1280 px wide).
      setTitle(behind, text);
    }
    if (c.paced !== undefined) this.paced = c.paced;
    this.paused = c.paused;
    setText($("pause"), c.paused ? "▶ resume" : "❚❚ pause");
    const pause = $<HTMLButtonElement>("pause");
    if (pause.disabled !== !this.paced) pause.disabled = !this.paced;
    const slider = $<HTMLInputElement>("speed");
    if (slider.disabled !== !this.paced) slider.disabled = !this.paced;
    if (this.paced && document.activeElement !== slider && c.speed > 0) {
      const at = String(speedToSlider(c.speed));
      if (slider.value !== at) slider.value = at;
      setText($("speed-value"), fmtSpeed(c.speed));
    } else if (!this.paced) setText($("speed-value"), "unpaced");
  }
}

/** The header's notice when the clock runs slower than asked: "running at 0.3× — …". */
export function behindText(actual: number): string {
  const x =
    actual >= 1
      ? actual.toFixed(1)
      : actual >= 0.1
        ? actual.toFixed(2).replace(/0$/, "")
        : actual.toPrecision(1);
  return `running at ${x}× — the simulation can't keep up`;
}

export function initCommandBox(nodeNames: string[], user: () => string, report: (e: unknown) => void): void {
  const sel = $<HTMLSelectElement>("cmd-node");
  for (const n of nodeNames) sel.append(h("option", { textContent: n }));
  const out = $("cmd-output");
  const line = $<HTMLInputElement>("cmd-line");
  const history: string[] = [];
  let hpos = 0;
  line.addEventListener("keydown", (e) => {
    if (e.key === "ArrowUp" && hpos > 0) line.value = history[--hpos] ?? "";
    else if (e.key === "ArrowDown" && hpos < history.length) line.value = history[++hpos] ?? "";
  });
  $("cmd-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const cmd = line.value.trim();
    if (!cmd) return;
    history.push(cmd);
    hpos = history.length;
    const node = sel.value;
    const who = user() || "root";
    out.textContent = `${who}@${node}$ ${cmd}\n…`;
    const button = $("cmd-form").querySelector("button")!;
    button.disabled = true;
    try {
      const r = await api.exec(node, cmd, user() || undefined);
      out.textContent = `${who}@${node}$ ${cmd}\n${r.output}${r.exit !== 0 ? `[exit ${r.exit}${r.interrupted ? `, ${r.interrupted}` : ""}]` : ""}`;
    } catch (err) {
      out.textContent = `${who}@${node}$ ${cmd}\n${err instanceof ApiFailure ? err.message : String(err)}`;
      report(err);
    } finally {
      button.disabled = false;
    }
  });
}

export type { ClockReply };
