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
import type { TerminalClientMessage, TerminalServerMessage } from "../../src/server/http/stream-messages.js";

/** Characters per input message: even all-escaped JSON stays under the server's 4 KiB. */
const CHUNK = 500;
/** The server's close code for a terminal whose login ended (src/server/http/terminal-ws.ts). */
export const LOGGED_OUT = 4001;

/** What the terminal socket sends: the shell's output, an error (no shell), its exit status. */
export type TerminalMessage = TerminalServerMessage;

/** How an xterm reaches its terminal socket. */
export interface XtermLink {
  /** A shell is there to type to. */
  connected(): boolean;
  /** Sends one message, if the socket is open. */
  send(msg: TerminalClientMessage): void;
  /** What was typed while no shell is there (default: dropped). */
  offline?(keys: string): void;
}

/**
 * The page's xterm.js, opened in `el` with its fit addon: keystrokes go out as `{type:"input"}`
 * in pieces small enough for the server's frame limit, size changes as `{type:"resize"}`.
 * The logged-in person's terminal and the browser edition's drawer both use it.
 */
export function openXterm(
  el: HTMLElement,
  link: XtermLink,
  fontSize = 15,
): { term: Terminal; fit: FitAddon } {
  const term = new Terminal({
    fontFamily: '"DejaVu Sans Mono", monospace',
    fontSize,
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
  const fit = new FitAddon();
  term.loadAddon(fit);
  term.open(el);
  term.onData((d) => {
    if (!link.connected()) {
      link.offline?.(d);
      return;
    }
    for (let i = 0; i < d.length; i += CHUNK) link.send({ type: "input", data: d.slice(i, i + CHUNK) });
  });
  term.onResize(({ cols, rows }) => link.send({ type: "resize", cols, rows }));
  return { term, fit };
}

/**
 * Opens `/api/terminal?QUERY` on the page's host (wss: under https:) and hands each message it
 * receives to `onMessage`.
 */
export function terminalSocket(
  query: string | URLSearchParams,
  onMessage: (msg: TerminalMessage) => void,
): WebSocket {
  const ws = new WebSocket(
    `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/api/terminal?${query}`,
  );
  ws.onmessage = (m) => onMessage(JSON.parse(String(m.data)) as TerminalMessage);
  return ws;
}

export class WebTerminal {
  readonly term: Terminal;
  private readonly fit: FitAddon;
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
    const x = openXterm(el, {
      connected: () => this.open,
      send: (msg) => this.send(msg),
      offline: (d) => {
        if (d === "\r") this.connect();
      },
    });
    this.term = x.term;
    this.fit = x.fit;
    new ResizeObserver(() => this.refit()).observe(el);
    this.refit();
    this.connect();
  }

  private refit(): void {
    if (this.el.clientWidth > 0 && this.el.clientHeight > 0) this.fit.fit();
  }

  private send(msg: TerminalClientMessage): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(msg));
  }

  connect(): void {
    this.ws?.close();
    const ws = terminalSocket(`cols=${this.term.cols}&rows=${this.term.rows}`, (msg) => {
      if (msg.type === "output" && msg.data) this.print(msg.data);
      else if (msg.type === "error") this.print(`\r\n\x1b[31m${msg.error}\x1b[0m\r\n`);
    });
    this.ws = ws;
    this.onState("connecting…");
    ws.onopen = () => {
      this.open = true;
      this.onState("");
      this.term.focus();
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
