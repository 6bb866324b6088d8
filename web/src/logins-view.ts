/**
 * @module web/logins-view
 * A lab with logins: anyone may watch; the page offers its login form, shows who is logged in,
 * the per-user counters, and — logged in — the terminal instead of the command box. The
 * `token` button (labs without logins) takes the instructor's token.
 */
import { api, getToken, type Session, setToken, type TopologyView } from "./api.js";
import { $ } from "./dom.js";
import { offerLogin, StatsPanel, showWho } from "./people.js";
import { report, status } from "./status.js";
import { WebTerminal } from "./terminal.js";

export interface LoginsView {
  terminal: WebTerminal | null;
  stats: StatsPanel | null;
}

export function initLoginsView(session: Session, topo: TopologyView): LoginsView {
  const view: LoginsView = { terminal: null, stats: null };
  if (session.logins) {
    document.body.classList.add("logins");
    $("cmd-panel").hidden = true;
    view.stats = new StatsPanel(report);
  }
  if (session.logins && !session.user) offerLogin(topo.name);
  if (session.logins && session.user) {
    document.body.classList.add("has-term");
    showWho(session);
    $("term-panel").hidden = false;
    view.terminal = new WebTerminal(
      $("term"),
      (s) => ($("term-state").textContent = s),
      // Refused: if the session has ended (idle too long, account removed), log in again.
      () =>
        void api.session().then((s) => {
          if (!s.user) location.reload();
        }, report),
    );
  }
  return view;
}

/** The page offers the instructor's controls only to a caller who may use them. */
export function applySession(s: Session): void {
  document.body.classList.toggle("no-control", !s.control);
}

/** The `token` button: the instructor's token, kept for this browser; `session` learns the answer. */
export function initTokenButton(session: Session): void {
  $("token").addEventListener("click", async () => {
    const t = prompt("Instructor token (empty to forget it):", getToken());
    if (t === null) return;
    setToken(t.trim());
    try {
      const s = await api.session();
      Object.assign(session, s);
      applySession(s);
      status(s.control ? "controls enabled" : "token not accepted");
    } catch (e) {
      report(e);
    }
  });
}
