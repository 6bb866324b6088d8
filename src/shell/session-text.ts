/**
 * @module shell/session-text
 * The text helpers of the interactive session (shell/session.ts): completion's common prefix
 * and columns, code point indexes, terminal line ends, and the raw text of a decoded key.
 */
import type { Key } from "./keys.js";

export function commonPrefix(words: string[]): string {
  let p = words[0]!;
  for (const w of words) while (!w.startsWith(p)) p = p.slice(0, -1);
  return p;
}

/** Candidates in columns, as shells list them. */
export function columns(words: string[], cols: number): string {
  const width = Math.max(...words.map((w) => w.length)) + 2;
  const per = Math.max(1, Math.floor(cols / width));
  const rows = Math.ceil(words.length / per);
  let out = "";
  for (let r = 0; r < rows; r++) {
    let line = "";
    for (let c = 0; c < per; c++) {
      const w = words[c * rows + r];
      if (w !== undefined) line += w.padEnd(width);
    }
    out += `${line.trimEnd()}\r\n`;
  }
  return out;
}

/** UTF-16 index of the `n`th code point. */
export function stringIndex(s: string, n: number): number {
  let i = 0;
  for (let k = 0; k < n && i < s.length; k++) i += s.codePointAt(i)! > 0xffff ? 2 : 1;
  return i;
}

/** Program output uses `\n`; a terminal needs `\r\n`. */
export function crlf(s: string): string {
  return s.replace(/\r?\n/g, "\r\n");
}

/** The raw text a decoded key came from, for keys that arrive after a command started. */
export function rest(key: Key): string {
  switch (key.k) {
    case "text":
      return key.s;
    case "enter":
      return "\r";
    case "tab":
      return "\t";
    case "backspace":
      return "\x7f";
    case "delete":
      return "\x1b[3~";
    case "left":
      return "\x1b[D";
    case "right":
      return "\x1b[C";
    case "up":
      return "\x1b[A";
    case "down":
      return "\x1b[B";
    case "home":
      return "\x1b[H";
    case "end":
      return "\x1b[F";
    case "word-left":
      return "\x1bb";
    case "word-right":
      return "\x1bf";
    case "kill-word-back":
      return "\x17";
    case "ctrl":
      return String.fromCharCode(key.c.charCodeAt(0) - 0x60);
  }
}
