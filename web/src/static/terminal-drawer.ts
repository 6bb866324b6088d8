/**
 * @module web/static/terminal-drawer
 * A terminal for the browser edition: xterm.js in a drawer under the map, speaking the page's
 * terminal protocol (`/api/terminal`, server/http/terminal-ws.ts) — answered here by the
 * worker, which runs the very shell an SSH login gets (prompt, line editing, completion,
 * `ssh vm3`, Ctrl-C). It starts on the node chosen in the command box, as the user in the
 * user box (root when empty).
 */
import "@xterm/xterm/css/xterm.css";
import { FitAddon } from "@xterm/addon-fit";
import { Terminal } from "@xterm/xterm";
import { h } from "../dom.js";

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
      this.term = new Terminal({
        fontFamily: '"DejaVu Sans Mono", monospace',
        fontSize: 16,
        cursorBlink: true,
        theme: { background: "#0b0f14", foreground: "#f2f5f8" },
      });
      this.fit = new FitAddon();
      this.term.loadAddon(this.fit);
      this.term.open(this.host);
      this.term.onData(
        (d) =>
          this.ws?.readyState === WebSocket.OPEN && this.ws.send(JSON.stringify({ type: "input", data: d })),
      );
      this.term.onResize(
        ({ cols, rows }) =>
          this.ws?.readyState === WebSocket.OPEN &&
          this.ws.send(JSON.stringify({ type: "resize", cols, rows })),
      );
    }
    this.fit?.fit();
    const node = (document.getElementById("cmd-node") as HTMLSelectElement | null)?.value ?? "";
    const user = (localStorage.getItem("routelab.user") ?? "").trim();
    const q = new URLSearchParams({ cols: String(this.term.cols), rows: String(this.term.rows) });
    if (node) q.set("node", node);
    if (user) q.set("user", user);
    const ws = new WebSocket(
      `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/api/terminal?${q}`,
    );
    this.ws = ws;
    ws.onmessage = (m) => {
      const msg = JSON.parse(String(m.data)) as {
        type: string;
        data?: string;
        code?: number;
        error?: string;
      };
      if (msg.type === "output" && msg.data) this.term?.write(msg.data);
      else if (msg.type === "error") this.term?.write(`\r\n${msg.error}\r\n`);
    };
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
