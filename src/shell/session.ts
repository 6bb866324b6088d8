/**
 * @module shell/session
 * One person's interactive terminal on the lab, independent of how the bytes travel: the SSH
 * server and the page's xterm.js terminal both feed it raw keystrokes and carry its output.
 * It is the part of a login shell people touch: the prompt (`alice@vm1$ `), line editing,
 * history, tab completion of commands and node names (those three in prompt-line.ts), Ctrl-C,
 * and the hop between routers (`ssh vm2` / `rlogin vm2`, `exit` to come back) the seed's
 * trainees did with real sshd.
 * Commands themselves run through the `exec` callback (the lab's), so the session knows no
 * engine. Browser-safe: no Node imports, no timers, no clocks.
 */
import { CanonicalInput } from "./canonical-input.js";
import { type Key, KeyDecoder } from "./keys.js";
import { LineEditor } from "./line-editor.js";
import { PromptLine } from "./prompt-line.js";
import { crlf, rest } from "./session-text.js";

export { crlf } from "./session-text.js";

/** A command started by the session (the lab's Execution, narrowed). */
export interface ShellRun {
  readonly done: Promise<number>;
  interrupt(): void;
  /** A line typed while it runs (its standard input, as a terminal in canonical mode sends it). */
  input?(text: string): void;
  /** Ctrl-D at the start of a line: the end of its standard input. */
  endInput?(): void;
}

/**
 * An `ssh` connection the engine opened for the session (Lab.ssh): the session stands on the
 * node whose sshd answered for as long as the connection lives.
 */
export interface ShellHop {
  /** The node whose sshd answered, or ssh's message (the hop fails with status 255). */
  readonly landed: Promise<{ node: string } | { error: string }>;
  /** Closes the connection (`exit`), or abandons the attempt (Ctrl-C). */
  close(): void;
}

export interface ShellSessionOptions {
  /** Login name; `root` gets the `#` prompt. */
  user: string;
  /** Node the session starts on. */
  startNode: string;
  /** Runs one command line on a node as this user, streaming its output to `write`. May throw. */
  exec: (node: string, line: string, write: (s: string) => void) => ShellRun;
  /** Node names, for completion and `ssh NODE`. */
  nodes: () => string[];
  /** Command names, for completion. */
  commands: () => string[];
  /** Receives all output (already with `\r\n` line ends). */
  write: (s: string) => void;
  /** Called once when the session ends (`exit` on the first node, Ctrl-D), with the exit status. */
  onExit: (code: number) => void;
  /** Whether a router runs (`ssh` to a crashed one fails as it does); default: all do. */
  isUp?: (node: string) => boolean;
  /**
   * Opens `ssh HOST` from `from` over the lab's network (TCP to port 22 of HOST, engine-side);
   * `lost` is called if the connection ends by itself later. When absent, `ssh` moves the
   * session to the node `resolveHost` names, with no network in between.
   */
  connect?: (from: string, host: string, user: string, lost: (message: string) => void) => ShellHop;
  /** Maps what follows `ssh` (a name or an address) to a node name; default: node names only. */
  resolveHost?: (host: string) => string | undefined;
  /** Printed once by start(), before the first prompt. */
  banner?: string;
  cols?: number;
  rows?: number;
  /** History entries kept (default 500). */
  historySize?: number;
  /** Longest line accepted (default 4096 characters). */
  maxLine?: number;
  /** Most typeahead kept while a command runs (default 4096 characters). */
  maxTypeahead?: number;
}

/** Commands the session itself handles. */
export const BUILTINS: readonly string[] = ["clear", "exit", "history", "logout", "rlogin", "ssh"];

/** The session's own commands as `help` lists them (logout and rlogin are exit's and ssh's twins). */
export const BUILTIN_HELP: readonly { name: string; summary: string }[] = [
  { name: "ssh", summary: "log in to another router from this one (ssh vm3; exit comes back)" },
  { name: "exit", summary: "leave this router for the one you came from, or end the session (also logout)" },
  { name: "history", summary: "list the lines typed in this session" },
  { name: "clear", summary: "clear the screen" },
];

export class ShellSession {
  private readonly decoder = new KeyDecoder();
  private readonly editor: LineEditor;
  private readonly stack: string[];
  /** The connection that brought the session to each node of `stack` (none for the first). */
  private readonly hops: ({ hop: ShellHop; host: string } | undefined)[] = [undefined];
  private readonly promptLine: PromptLine;
  private run: ShellRun | undefined;
  /** The connections the running command depends on: the node stack, and its node if a hop. */
  private runPath: string[] = [];
  private runId = 0;
  private typeahead = "";
  /** The line being typed to a running command's standard input (the tty's canonical mode). */
  private readonly stdin: CanonicalInput;
  private afterInterrupt = false;
  private atLineStart = true;
  private ended = false;
  private started = false;
  private lastStatus = 0;
  private idleWaiters: (() => void)[] = [];
  private cols: number;
  private rows: number;

  constructor(private readonly o: ShellSessionOptions) {
    this.cols = Math.max(1, o.cols ?? 80);
    this.rows = Math.max(1, o.rows ?? 24);
    this.editor = new LineEditor(this.cols, o.maxLine ?? 4096);
    this.promptLine = new PromptLine(
      this.editor,
      o.historySize ?? 500,
      (first) => (first ? [...o.commands(), ...BUILTINS] : o.nodes()),
      () => this.cols,
    );
    this.stack = [o.startNode];
    this.stdin = new CanonicalInput(o.maxTypeahead ?? 4096);
  }

  /** The node the prompt is on. */
  get node(): string {
    return this.stack[this.stack.length - 1]!;
  }
  /** Whether a command is running. */
  get busy(): boolean {
    return this.run !== undefined;
  }
  get closed(): boolean {
    return this.ended;
  }
  /** The line being edited, and the cursor's place in it (code points). */
  get line(): { text: string; cursor: number } {
    return { text: this.editor.text, cursor: this.editor.cursor };
  }
  /** Exit status of the last command. */
  get status(): number {
    return this.lastStatus;
  }
  get size(): { cols: number; rows: number } {
    return { cols: this.cols, rows: this.rows };
  }

  /** Prints the banner and the first prompt. */
  start(): void {
    if (this.started || this.ended) return;
    this.started = true;
    if (this.o.banner) this.o.write(crlf(this.o.banner));
    this.prompt();
  }

  /** Resolves when no command is running (tests and transports wait on this). */
  idle(): Promise<void> {
    if (!this.run) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  /** The terminal changed size. */
  resize(cols: number, rows: number): void {
    if (!(cols > 0) || !(rows > 0)) return;
    this.cols = Math.min(10000, Math.floor(cols));
    this.rows = Math.min(10000, Math.floor(rows));
    this.editor.setCols(this.cols);
  }

  /** The transport went away: stop any running command, ignore further input. No onExit. */
  close(): void {
    if (this.ended) return;
    this.ended = true;
    this.run?.interrupt();
  }

  /**
   * A router crashed. Every connection through it is lost, as an ssh client loses it: the
   * session says so and falls back to the node before it in the hop chain (status 255, ssh's
   * for a lost connection), or ends when it is the router the session started on. A command
   * that was running there was killed with the router; one running beyond it is interrupted.
   */
  hostDown(node: string): void {
    if (this.ended) return;
    const path = this.run ? this.runPath : this.stack;
    const at = path.indexOf(node);
    if (at < 0) return;
    const run = this.run;
    if (run) {
      this.runId++; // its end is not this session's business any more
      this.run = undefined;
      if (path[path.length - 1] !== node) run.interrupt();
    }
    // Below the output so far, or below the line being edited (which is abandoned).
    const margin = run ? (this.atLineStart ? "" : "\r\n") : `${this.editor.end()}\r\n`;
    this.o.write(`${margin}Connection to ${node} lost: ${node} went down.\r\n`);
    this.atLineStart = true;
    this.afterInterrupt = false;
    this.closeHopsFrom(at);
    if (at === 0) {
      this.ended = true;
      this.o.onExit(255);
    } else {
      this.stack.length = Math.min(this.stack.length, at);
      this.lastStatus = 255;
      this.prompt();
    }
    this.wakeIdle();
  }

  /** Closes the connections to `stack[at]` and beyond (their ends are gone). */
  private closeHopsFrom(at: number): void {
    for (const h of this.hops.splice(Math.max(1, at))) h?.hop.close();
  }

  /** The connection to a node of the stack ended by itself: back to the node before it. */
  private hopLost(hop: ShellHop, message: string): void {
    if (this.ended) return;
    const at = this.hops.findIndex((h) => h?.hop === hop);
    if (at < 1) return;
    const node = this.stack[at]!;
    const run = this.run;
    if (run && this.runPath.includes(node)) {
      this.runId++;
      this.run = undefined;
      run.interrupt();
    } else if (run) return; // a command runs before the lost hop: ssh reports it once it ends
    const margin = run ? (this.atLineStart ? "" : "\r\n") : `${this.editor.end()}\r\n`;
    this.o.write(`${margin}${message}\r\n`);
    this.atLineStart = true;
    this.afterInterrupt = false;
    this.closeHopsFrom(at);
    this.stack.length = at;
    this.lastStatus = 255;
    this.prompt();
    this.wakeIdle();
  }

  /** Raw terminal input. */
  input(data: string): void {
    if (this.ended) return;
    if (!this.started) this.start();
    if (this.run) {
      this.inputWhileRunning(data);
      return;
    }
    for (const key of this.decoder.feed(data)) {
      if (this.ended) return;
      if (this.run) {
        // A command started mid-chunk: the rest of the chunk is typeahead (Ctrl-C still interrupts).
        if (key.k === "ctrl" && key.c === "c") {
          this.typeahead = "";
          this.interrupt();
        } else if (this.typeahead.length < (this.o.maxTypeahead ?? 4096)) this.typeahead += rest(key);
        continue;
      }
      this.key(key);
    }
  }

  private inputWhileRunning(data: string): void {
    // Ctrl-C reaches the running command at once (the tty's intr character); everything else
    // waits, as typeahead does at a real terminal, and is bounded.
    const i = data.indexOf("\x03");
    if (i >= 0) {
      this.typeahead = "";
      this.stdin.clear();
      this.interrupt();
      return;
    }
    if (this.run?.input) {
      this.cooked(data, this.run);
      return;
    }
    const max = this.o.maxTypeahead ?? 4096;
    if (this.typeahead.length + data.length <= max) this.typeahead += data;
  }

  /** What a running command that reads its standard input gets typed, a line at a time. */
  private cooked(data: string, run: ShellRun): void {
    this.stdin.feed(data, {
      echo: (text, lineStart) => {
        this.o.write(text);
        if (lineStart !== undefined) this.atLineStart = lineStart;
      },
      line: (text) => this.send(() => run.input!(text)),
      end: () => this.send(() => run.endInput?.()),
    });
  }

  /** Hands typed input on; a refusal (the journal's rate or size bound) is said, the line dropped. */
  private send(fn: () => void): void {
    try {
      fn();
    } catch (e) {
      const nl = this.atLineStart ? "" : "\r\n";
      this.o.write(`${nl}${crlf(`${e instanceof Error ? e.message : String(e)}\n`)}`);
      this.atLineStart = true;
      this.afterInterrupt = false;
    }
  }

  private interrupt(): void {
    if (!this.run) return;
    this.o.write("^C");
    this.afterInterrupt = true;
    this.atLineStart = false;
    const run = this.run;
    // A Ctrl-C the lab cannot take (a full journal) is said, not thrown at the terminal.
    this.send(() => run.interrupt());
  }

  private prompt(): void {
    const p = this.o.user === "root" ? `${this.node}# ` : `${this.o.user}@${this.node}$ `;
    this.o.write(this.promptLine.begin(p));
  }

  private key(key: Key): void {
    if (key.k === "enter") {
      this.enter();
      return;
    }
    if (key.k === "ctrl" && key.c === "c") {
      // Abandon the line, as a shell does: show ^C, new prompt.
      this.o.write(`${this.editor.end()}^C\r\n`);
      this.prompt();
      return;
    }
    if (key.k === "ctrl" && key.c === "d" && this.editor.length === 0) {
      this.o.write("logout\r\n");
      this.leave(0);
      return;
    }
    const out = this.promptLine.key(key);
    if (out) this.o.write(out);
  }

  private enter(): void {
    const line = this.editor.text;
    this.o.write(this.editor.finish());
    const trimmed = line.trim();
    if (trimmed) this.promptLine.remember(line);
    if (!trimmed) {
      this.prompt();
      return;
    }
    this.execute(trimmed);
  }

  private execute(line: string): void {
    const words = line.split(/\s+/);
    switch (words[0]) {
      case "exit":
      case "logout": {
        const code =
          words[1] !== undefined && /^\d{1,3}$/.test(words[1]) ? Number(words[1]) & 255 : this.lastStatus;
        this.leave(code);
        return;
      }
      case "history":
        this.promptLine.entries.forEach((h, i) => {
          this.o.write(`${String(i + 1).padStart(5)}  ${h}\r\n`);
        });
        this.finishBuiltin(0);
        return;
      case "clear":
        this.o.write("\x1b[H\x1b[2J");
        this.finishBuiltin(0);
        return;
      case "ssh":
      case "rlogin":
        this.hop(words[0], words.slice(1));
        return;
    }
    this.startCommand(this.node, line);
  }

  private finishBuiltin(status: number): void {
    this.lastStatus = status;
    this.prompt();
  }

  /** `exit`: back to the previous node, or the end of the session on the first one. */
  private leave(code: number): void {
    if (this.stack.length > 1) {
      const left = this.stack.pop()!;
      const hop = this.hops.pop();
      hop?.hop.close();
      this.o.write(`Connection to ${hop?.host ?? left} closed.\r\n`);
      this.finishBuiltin(code);
      return;
    }
    this.ended = true;
    this.o.onExit(code);
  }

  /** `ssh [-l user] [-p port] [user@]node [command…]` and `rlogin [-l user] node`. */
  private hop(cmd: string, args: string[]): void {
    let user: string | undefined;
    let host: string | undefined;
    let i = 0;
    for (; i < args.length; i++) {
      const a = args[i]!;
      if (a === "-l" || a === "-p" || a === "-i" || a === "-o") {
        if (a === "-l") user = args[i + 1];
        i++;
      } else if (a.startsWith("-")) {
        // -t, -v, -4 …: accepted and ignored
      } else {
        host = a;
        i++;
        break;
      }
    }
    const command = args.slice(i).join(" ");
    if (!host || (cmd === "rlogin" && command)) {
      this.o.write(
        cmd === "ssh"
          ? "usage: ssh [-l login_name] [-p port] [user@]hostname [command]\r\n"
          : "usage: rlogin [-l username] host\r\n",
      );
      this.finishBuiltin(cmd === "ssh" ? 255 : 1);
      return;
    }
    const at = host.lastIndexOf("@");
    if (at >= 0) {
      user = host.slice(0, at);
      host = host.slice(at + 1);
    }
    if (user !== undefined && user !== this.o.user) {
      // One account per person: nobody logs in as someone else.
      this.o.write(`${user}@${host}: Permission denied (publickey,password).\r\n`);
      this.finishBuiltin(255);
      return;
    }
    if (this.o.connect) {
      this.connectHop(host, command);
      return;
    }
    const node = this.resolve(host);
    if (!node) {
      this.o.write(
        `${cmd}: Could not resolve hostname ${host}: hostname nor servname provided, or not known\r\n`,
      );
      this.finishBuiltin(255);
      return;
    }
    if (this.o.isUp && !this.o.isUp(node)) {
      // What ssh says when nothing answers ARP for a crashed router (EHOSTDOWN).
      this.o.write(`ssh: connect to host ${host} port 22: Host is down\r\n`);
      this.finishBuiltin(255);
      return;
    }
    if (command) {
      this.startCommand(node, command);
      return;
    }
    this.stack.push(node);
    this.finishBuiltin(0);
  }

  /**
   * `ssh HOST` over the network: the engine connects from this node to HOST port 22; the
   * session waits (typeahead kept, Ctrl-C abandons) and lands where the sshd answered — behind a
   * REDIRECT and a relay, that is the node the relay reached, not the address typed.
   */
  private connectHop(host: string, command: string): void {
    const id = ++this.runId;
    this.atLineStart = true;
    this.afterInterrupt = false;
    let hop: ShellHop;
    try {
      hop = this.o.connect!(this.node, host, this.o.user, (message) => this.hopLost(hop, message));
    } catch (e) {
      this.o.write(crlf(`${e instanceof Error ? e.message : String(e)}\n`));
      this.finishBuiltin(255);
      return;
    }
    this.run = {
      done: hop.landed.then(() => 0),
      interrupt: () => {
        hop.close();
        this.finished(id, 130);
      },
    };
    this.runPath = [...this.stack];
    hop.landed.then((r) => {
      if (id !== this.runId || this.ended) {
        hop.close();
        return;
      }
      if ("error" in r) {
        this.o.write(crlf(`${r.error}\n`));
        this.atLineStart = true;
        this.finished(id, 255);
        return;
      }
      if (command) {
        this.run = undefined;
        this.startCommand(r.node, command, () => hop.close());
        return;
      }
      this.stack.push(r.node);
      this.hops.push({ hop, host });
      this.finished(id, 0);
    });
  }

  private resolve(host: string): string | undefined {
    if (this.o.resolveHost) return this.o.resolveHost(host);
    return this.o.nodes().includes(host) ? host : undefined;
  }

  private startCommand(node: string, line: string, after?: () => void): void {
    const id = ++this.runId;
    this.atLineStart = true;
    this.afterInterrupt = false;
    const write = (s: string) => {
      if (this.ended || id !== this.runId || s.length === 0) return;
      let out = crlf(s);
      if (this.afterInterrupt) {
        // Keep "^C" on its own line, whether or not the program starts its output with a newline.
        if (!out.startsWith("\r\n")) out = `\r\n${out}`;
        this.afterInterrupt = false;
      }
      this.atLineStart = out.endsWith("\n");
      this.o.write(out);
    };
    let run: ShellRun;
    try {
      run = this.o.exec(node, line, write);
    } catch (e) {
      after?.();
      write(`${e instanceof Error ? e.message : String(e)}\n`);
      this.lastStatus = 1;
      this.prompt();
      return;
    }
    this.run = run;
    this.runPath = node === this.node ? [...this.stack] : [...this.stack, node];
    run.done.then(
      (code) => {
        after?.();
        this.finished(id, code);
      },
      (e: unknown) => {
        after?.();
        write(`${e instanceof Error ? e.message : String(e)}\n`);
        this.finished(id, 1);
      },
    );
  }

  private finished(id: number, code: number): void {
    if (id !== this.runId) return;
    this.run = undefined;
    this.stdin.clear();
    this.lastStatus = code;
    if (!this.ended) {
      // A prompt always starts at the left margin.
      if (!this.atLineStart || this.afterInterrupt) this.o.write("\r\n");
      this.afterInterrupt = false;
      this.prompt();
    }
    this.wakeIdle();
  }

  /** No command runs any more: typeahead goes to the prompt, and `idle()` waiters resume. */
  private wakeIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    const ahead = this.typeahead;
    this.typeahead = "";
    if (ahead && !this.ended) this.input(ahead);
    for (const w of waiters) w();
  }
}
