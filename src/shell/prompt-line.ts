/**
 * @module shell/prompt-line
 * The line a person types at the session's prompt (shell/session.ts): the keys that edit it
 * (readline's emacs bindings, on line-editor.ts's buffer), tab completion, and the history
 * (up/down, Ctrl-P/Ctrl-N, the list the `history` builtin prints). What a key does beyond the
 * line is the session's: Enter runs it, Ctrl-C abandons it, Ctrl-D on an empty line logs out.
 * Browser-safe: no Node imports.
 */
import type { Key } from "./keys.js";
import type { LineEditor } from "./line-editor.js";
import { columns, commonPrefix, stringIndex } from "./session-text.js";

const BELL = "\x07";

export class PromptLine {
  private readonly history: string[] = [];
  private histPos = 0;
  private draft = "";

  /**
   * @param candidates what tab completes from: the first word's (commands), or a later word's
   * @param cols the terminal's width now (completion lists in columns)
   */
  constructor(
    private readonly editor: LineEditor,
    private readonly historySize: number,
    private readonly candidates: (firstWord: boolean) => readonly string[],
    private readonly cols: () => number,
  ) {}

  /** The lines entered, oldest first (at most historySize). */
  get entries(): readonly string[] {
    return this.history;
  }

  /** A fresh line after `prompt`; returns what to write. Up starts from the newest entry again. */
  begin(prompt: string): string {
    const out = this.editor.begin(prompt);
    this.histPos = this.history.length;
    this.draft = "";
    return out;
  }

  /** Keeps an entered line, unless it repeats the one before. */
  remember(line: string): void {
    if (this.history[this.history.length - 1] === line) return;
    this.history.push(line);
    if (this.history.length > this.historySize)
      this.history.splice(0, this.history.length - this.historySize);
  }

  /** An editing key (not Enter, Ctrl-C, or Ctrl-D on an empty line: the session's); returns what to write. */
  key(key: Key): string {
    const e = this.editor;
    let out = "";
    switch (key.k) {
      case "text":
        out = e.insert(key.s) ?? BELL;
        break;
      case "tab":
        out = this.complete();
        break;
      case "backspace":
        out = e.backspace();
        break;
      case "delete":
        out = e.deleteForward();
        break;
      case "left":
        out = e.left();
        break;
      case "right":
        out = e.right();
        break;
      case "home":
        out = e.home();
        break;
      case "end":
        out = e.end();
        break;
      case "word-left":
        out = e.moveTo(e.wordStartBefore());
        break;
      case "word-right":
        out = e.moveTo(e.wordEndAfter());
        break;
      case "kill-word-back":
        out = e.killWordBack();
        break;
      case "up":
        out = this.historyMove(-1);
        break;
      case "down":
        out = this.historyMove(1);
        break;
      case "ctrl":
        out = this.ctrl(key.c);
        break;
    }
    return out;
  }

  private ctrl(c: string): string {
    const e = this.editor;
    switch (c) {
      case "a":
        return e.home();
      case "e":
        return e.end();
      case "b":
        return e.left();
      case "f":
        return e.right();
      case "u":
        return e.killToStart();
      case "k":
        return e.killToEnd();
      case "p":
        return this.historyMove(-1);
      case "n":
        return this.historyMove(1);
      case "l":
        return `\x1b[H\x1b[2J${e.drawFresh()}`;
      case "d":
        return e.deleteForward();
    }
    return "";
  }

  /**
   * Tab: the first word completes from commands and builtins, later words from node names.
   * One match is inserted with a space; several are narrowed to their common prefix, or listed
   * when that adds nothing.
   */
  private complete(): string {
    const e = this.editor;
    const before = e.text.slice(0, stringIndex(e.text, e.cursor));
    const m = /(\S*)$/.exec(before)!;
    const word = m[1]!;
    const first = before.slice(0, before.length - word.length).trim() === "";
    const pool = this.candidates(first);
    const matches = [...new Set(pool.filter((c) => c.startsWith(word)))].sort();
    if (matches.length === 0) return BELL;
    if (matches.length === 1) return e.insert(`${matches[0]!.slice(word.length)} `) ?? BELL;
    const common = commonPrefix(matches);
    if (common.length > word.length) return e.insert(common.slice(word.length)) ?? BELL;
    const at = e.cursor;
    const out = `${e.end()}\r\n${columns(matches, this.cols())}`;
    return out + e.drawFresh() + e.moveTo(at);
  }

  private historyMove(d: number): string {
    const n = this.history.length;
    const next = this.histPos + d;
    if (next < 0 || next > n) return BELL;
    if (this.histPos === n) this.draft = this.editor.text;
    this.histPos = next;
    return this.editor.replace(next === n ? this.draft : this.history[next]!);
  }
}
