/**
 * @module web/people
 * Who is at the page: the login form (shown first when the lab has a users file), the
 * "alice (student) · log out" corner, the users' colours from /api/users, and the per-user
 * packet counters from /api/stats. The session lives in an HttpOnly cookie the page never
 * reads; after logging in or out the page reloads, so everything starts from one state.
 */
import { ApiFailure, api, type Session, type UserCounters } from "./api.js";
import { setUserColors, userColor } from "./colors.js";
import { $, h } from "./dom.js";
import { isRoutingUser } from "../../src/core/routing-traffic.js";

/** Shows the login form over an empty page; resolves never (a success reloads the page). */
export function showLogin(labName?: string): void {
  document.body.classList.add("logging-in");
  $("login").hidden = false;
  $("login-lab").textContent =
    `Log in to ${labName ? `the ${labName} lab` : "this lab"}: the same name and password as for ssh.`;
  const user = $<HTMLInputElement>("login-user");
  const password = $<HTMLInputElement>("login-password");
  const error = $("login-error");
  const button = $("login-form").querySelector("button")!;
  user.focus();
  $("login-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    error.textContent = "";
    button.disabled = true;
    try {
      await api.login(user.value.trim(), password.value);
      location.reload();
    } catch (err) {
      error.textContent = err instanceof ApiFailure ? err.message : String(err);
      password.select();
      button.disabled = false;
    }
  });
}

/** The header's corner for a watcher who has not logged in: the way in. */
export function offerLogin(labName: string): void {
  const b = $<HTMLButtonElement>("login-open");
  b.hidden = false;
  b.addEventListener("click", () => showLogin(labName));
}

/** The logged-in corner of the header: colour, `NAME (ROLE)`, and the way out. */
export function showWho(s: Session): void {
  if (!s.user) return;
  const sw = h("span", { className: "swatch" });
  sw.style.background = s.color ?? userColor(s.user);
  $("whoami").replaceChildren(sw, h("strong", { textContent: s.user }), ` (${s.role})`);
  $("whoami").hidden = false;
  const out = $<HTMLButtonElement>("logout");
  out.hidden = false;
  out.addEventListener("click", async () => {
    try {
      await api.logout();
    } finally {
      location.reload();
    }
  });
}

/** Takes the users' colours from the server (so the legend and dots match SSH's colours). */
export async function loadUserColors(): Promise<string[]> {
  const { users } = await api.users();
  const map: Record<string, string> = {};
  for (const u of users) map[u.name] = u.color;
  setUserColors(map);
  return users.map((u) => u.name);
}

/** The per-user counters panel, polled while the page is visible. */
export class StatsPanel {
  private last = "";
  /** Counters shown (test hook). */
  shown: Record<string, UserCounters> = {};

  constructor(private readonly report: (e: unknown) => void) {
    $("stats-panel").hidden = false;
    void this.poll();
    setInterval(() => {
      if (document.visibilityState === "visible") void this.poll();
    }, 1000);
  }

  /** Draws again (the users' colours arrived). */
  redraw(): void {
    this.last = "";
    void this.poll();
  }

  private async poll(): Promise<void> {
    try {
      const { users } = await api.stats();
      this.render(users);
    } catch (e) {
      this.report(e);
    }
  }

  private render(users: Record<string, UserCounters>): void {
    // Routing daemons' own updates are the routers' chatter, not a person's traffic.
    const rows = Object.entries(users).filter(([u]) => !isRoutingUser(u));
    const key = JSON.stringify(rows);
    if (key === this.last) return;
    this.last = key;
    this.shown = Object.fromEntries(rows);
    const body = rows.map(([u, c]) => {
      const sw = h("span", { className: "swatch" });
      sw.style.background = userColor(u);
      const tr = h(
        "tr",
        {},
        h("td", {}, sw, u),
        h("td", { textContent: String(c.sent) }),
        count(c.delivered, { ...c.refusedBy }, "refused at the destination"),
        count(c.answered ?? 0, c.answeredBy ?? {}, "answered"),
        count(c.lost, c.lostBy, "lost"),
      );
      tr.dataset.user = u;
      return tr;
    });
    if (body.length === 0) {
      const td = h("td", { className: "empty", textContent: "no packets yet" });
      td.colSpan = 5;
      body.push(h("tr", {}, td));
    }
    $("stats-table")
      .querySelector("tbody")!
      .replaceChildren(...body);
  }
}

/** A counter's cell; hovering it lists the reasons (`ttl-expired 3, loss 1`). */
function count(n: number, by: Record<string, number>, what: string): HTMLElement {
  const td = h("td", { textContent: String(n) });
  const why = Object.entries(by)
    .map(([r, k]) => `${r.replace(/-/g, " ")} ${k}`)
    .join(", ");
  if (why) td.title = `${what}: ${why}`;
  return td;
}
