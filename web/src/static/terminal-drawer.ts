/**
 * @module web/static/terminal-drawer
 * A terminal for the browser edition: xterm.js in a drawer under the map, speaking the page's
 * terminal protocol (`/api/terminal`, server/http/terminal-ws.ts) — answered here by the
 * worker, which runs the very shell an SSH login gets (prompt, line editing, completion,
 * `ssh vm3`, Ctrl-C). It starts on the node chosen in the command box, as the user in the
 * user box (root when empty).
 */
import type { FitAddon } from "@xterm/addon-fit";
import type { Terminal } from "@xterm/xterm";
import { h } from "../dom.js";
import { openXterm, terminalSocket } from "../terminal.js";
import type { TerminalClientMessage } from "../../../src/server/http/stream-messages.js";

export class TerminalDrawer {
  readonly el: HTMLElement;
  private term: Terminal | null = null;
  private fit: FitAddon | null = null;
  private ws: WebSocket | null = null;
  private readonly host: HTMLElement;

  constructor() {
    this.host = h("div", { className: "term-host" });
    const close = h("button", { type: "button", textContent: "✕", title: "close the terminal" });
    close.addEventListener("click", () => this.toggle(false));
    this.el = h(
      "section",
      { className: "term-drawer" },
      h("header", {}, h("span", { textContent: "terminal" }), close),
      this.host,
    );
    this.el.id = "term-drawer";
    this.el.hidden = true;
    document.body.append(this.el);
    new ResizeObserver(() => this.resize()).observe(this.host);
  }

  get open(): boolean {
    return !this.el.hidden;
  }

  toggle(open = !this.open): void {
    this.el.hidden = !open;
    if (open && !this.ws) this.connect();
    if (open) {
      this.resize();
      this.term?.focus();
    }
  }

  private connect(): void {
    if (!this.term) {
      const send = (msg: TerminalClientMessage) =>
        this.ws?.readyState === WebSocket.OPEN && this.ws.send(JSON.stringify(msg));
      ({ term: this.term, fit: this.fit } = openXterm(
        this.host,
        { connected: () => this.ws?.readyState === WebSocket.OPEN, send },
        16,
      ));
    }
    this.fit?.fit();
    const node = (document.getElementById("cmd-node") as HTMLSelectElement | null)?.value ?? "";
    const user = (localStorage.getItem("routelab.user") ?? "").trim();
    const q = new URLSearchParams({ cols: String(this.term.cols), rows: String(this.term.rows) });
    if (node) q.set("node", node);
    if (user) q.set("user", user);
    const ws = terminalSocket(q, (msg) => {
      if (msg.type === "output" && msg.data) this.term?.write(msg.data);
      else if (msg.type === "error") this.term?.write(`\r\n${msg.error}\r\n`);
    });
    this.ws = ws;
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.term?.write("\r\n[logged out — close and reopen the terminal for a new shell]\r\n");
    };
  }

  private resize(): void {
    if (this.open) this.fit?.fit();
  }
}
