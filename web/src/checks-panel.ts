/**
 * @module web/checks-panel
 * The exercise's checks, live: each one green (✓ pass), red (✗ fail) or grey (… pending, its
 * moment has not come), with the reason the checker saw and, for a failed one, the lesson's
 * hint. A check about one student carries that student's name in their colour; the server
 * shows a student only the checks about everyone and about them.
 */
import { $, h } from "./dom.js";
import type { CheckResult, CheckStatus } from "./lesson-api.js";
import { fmtClock } from "./timeline.js";

const ICON: Record<CheckStatus, string> = { pass: "✓", fail: "✗", pending: "…" };

export class ChecksPanel {
  readonly el: HTMLElement;
  private readonly list: HTMLOListElement;
  private readonly summary: HTMLElement;
  private last = "";
  /** Times the list was rebuilt (test hook). */
  renders = 0;

  constructor(private readonly colorOf: (user: string) => string) {
    this.summary = h("span", { className: "checks-summary" });
    this.list = h("ol", { className: "checks" });
    this.el = h("section", {}, h("header", {}, h("h2", { textContent: "checks" }), this.summary), this.list);
    this.el.id = "checks-panel";
    $("side").prepend(this.el);
  }

  show(checks: CheckResult[]): void {
    this.el.hidden = checks.length === 0;
    const key = JSON.stringify(checks);
    if (key === this.last) return;
    this.last = key;
    const passed = checks.filter((c) => c.status === "pass").length;
    const failed = checks.filter((c) => c.status === "fail").length;
    const pending = checks.length - passed - failed;
    this.summary.textContent = `${passed} of ${checks.length} passed${failed ? `, ${failed} failed` : ""}${pending ? `, ${pending} not yet due` : ""}`;
    this.list.replaceChildren(...checks.map((c) => this.item(c)));
    this.renders++;
  }

  private item(c: CheckResult): HTMLElement {
    const li = h("li", { className: `check ${c.status}` });
    li.dataset.id = c.user ? `${c.id}:${c.user}` : c.id;
    li.dataset.status = c.status;
    const head = h(
      "div",
      { className: "check-head" },
      h("span", { className: "icon", textContent: ICON[c.status] }),
    );
    if (c.user) {
      const who = h("span", { className: "who", textContent: c.user });
      who.style.borderColor = this.colorOf(c.user);
      who.style.color = this.colorOf(c.user);
      head.append(who);
    }
    head.append(h("span", { className: "text", textContent: c.text }));
    if (c.at !== undefined) head.append(h("span", { className: "at", textContent: `at ${fmtClock(c.at)}` }));
    li.append(head, h("div", { className: "reason", textContent: c.reason }));
    if (c.hint && c.status === "fail")
      li.append(h("div", { className: "hint", textContent: `hint: ${c.hint}` }));
    li.title = c.line !== undefined ? `line ${c.line} of the lesson` : "";
    return li;
  }
}
