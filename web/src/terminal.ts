/**
 * @module web/terminal
 * The logged-in person's terminal on the page: xterm.js connected to `/api/terminal`, the
 * same shell an SSH login gets (`alice@vm1$`, `ssh vm3` to hop, Ctrl-C, completion). The
 * session cookie identifies them; keystrokes go out as `{type:"input"}` in pieces small
 * enough for the server's frame limit, size changes as `{type:"resize"}`. When the shell
 * ends (`exit`) or the connection drops, Enter opens a new one. When the login ends (logged out
 * elsewhere, expired, account removed) the server prints why and closes with LOGGED_OUT; Enter
 * then finds the session gone and the page returns to its login form.
 */
import "@xterm/xterm/css/xterm.css";
import { FitAddon } from "@xterm/addon-fit";
import { Terminal } from "@xterm/xterm";

/** Characters per input message: even all-escaped JSON stays under the server's 4 KiB. */
const CHUNK = 500;
/** The server's close code for a terminal whose login ended (src/server/http/terminal-ws.ts). */
export const LOGGED_OUT = 4001;

export class WebTerminal {
  readonly term: Terminal;
  private readonly fit = new FitAddon();
  private ws: WebSocket | null = null;
  private open = false;
  /** Everything the shell printed (test hook; bounded). */
  transcript = "";

  constructor(
    private readonly el: HTMLElement,
    private readonly onState: (state: string) => void,
    /** The terminal could not be opened (the session may have ended). */
    private readonly onRefused: () => void = () => {},
  ) {
    this.term = new Terminal({
      fontFamily: '"DejaVu Sans Mono", monospace',
      fontSize: 15,
      cursorBlink: true,
      scrollback: 2000,
      convertEol: false,
      theme: {
        background: "#0b0f14",
        foreground: "#f2f5f8",
        cursor: "#4fc3f7",
        selectionBackground: "#2c3a4b",
      },
    });
    this.term.loadAddon(this.fit);
    this.term.open(el);
    this.term.onData((d) => {
      if (!this.open) {
        if (d === "\r") this.connect();
        return;
      }
      for (let i = 0; i < d.length; i += CHUNK) this.send({ type: "input", data: d.slice(i, i + CHUNK) });
    });
    this.term.onResize(({ cols, rows }) => this.send({ type: "resize", cols, rows }));
    new ResizeObserver(() => this.refit()).observe(el);
    this.refit();
    this.connect();
  }

  private refit(): void {
    if (this.el.clientWidth > 0 && this.el.clientHeight > 0) this.fit.fit();
  }

  private send(msg: unknown): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(msg));
  }

  connect(): void {
    this.ws?.close();
    const q = `cols=${this.term.cols}&rows=${this.term.rows}`;
    const ws = new WebSocket(
      `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/api/terminal?${q}`,
    );
    this.ws = ws;
    this.onState("connecting…");
    ws.onopen = () => {
      this.open = true;
      this.onState("");
      this.term.focus();
    };
    ws.onmessage = (m) => {
      const msg = JSON.parse(String(m.data)) as {
        type: string;
        data?: string;
        code?: number;
        error?: string;
      };
      if (msg.type === "output" && msg.data) this.print(msg.data);
      else if (msg.type === "error") this.print(`\r\n\x1b[31m${msg.error}\x1b[0m\r\n`);
    };
    ws.onclose = (ev) => {
      if (this.ws !== ws) return;
      const was = this.open;
      this.open = false;
      const what =
        ev.code === LOGGED_OUT
          ? "logged out — press Enter to log in again"
          : `${was ? "session ended" : "could not open a terminal"} — press Enter for a new one`;
      this.print(`\r\n\x1b[2m[${what}]\x1b[0m\r\n`);
      this.onState(ev.code === LOGGED_OUT ? "logged out" : "closed");
      if (!was) this.onRefused();
    };
  }

  private print(s: string): void {
    this.term.write(s);
    this.transcript = (this.transcript + s).slice(-200_000);
  }

  focus(): void {
    this.term.focus();
  }
}
