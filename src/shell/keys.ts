/**
 * @module shell/keys
 * Turns the raw bytes a terminal sends (xterm.js in the page, or an SSH client's pty) into key
 * presses: printable text, Enter, the control keys and the VT100/xterm escape sequences for the
 * arrow, Home, End and Delete keys, in both normal (`ESC [ A`) and application (`ESC O A`) cursor
 * mode. Sequences may be split across chunks (a network read can end mid-sequence), so the
 * decoder keeps the unfinished tail. Unknown sequences are swallowed whole, never typed.
 */

export type Key =
  | { k: "text"; s: string }
  | { k: "enter" }
  | { k: "tab" }
  | { k: "backspace" }
  | { k: "delete" }
  | { k: "left" }
  | { k: "right" }
  | { k: "up" }
  | { k: "down" }
  | { k: "home" }
  | { k: "end" }
  | { k: "word-left" }
  | { k: "word-right" }
  | { k: "kill-word-back" }
  /** Ctrl + a letter: `c` is the lower-case letter (`c` for Ctrl-C). */
  | { k: "ctrl"; c: string };

/** A CSI or SS3 sequence longer than this is garbage, not a key. */
const MAX_SEQ = 32;

export class KeyDecoder {
  private tail = "";
  /** The last byte was CR, so a following LF belongs to the same Enter (CR LF from some clients). */
  private afterCR = false;

  /** Decodes a chunk; keys that are complete come out, an unfinished escape sequence waits. */
  feed(data: string): Key[] {
    const s = this.tail + data;
    this.tail = "";
    const keys: Key[] = [];
    let i = 0;
    while (i < s.length) {
      const c = s.charCodeAt(i);
      if (c === 0x0a && this.afterCR) {
        this.afterCR = false;
        i++;
        continue;
      }
      this.afterCR = c === 0x0d;
      if (c >= 0x20 && c !== 0x7f) {
        // A run of printable characters becomes one text key (a paste is one insert, not thousands).
        let j = i + 1;
        while (j < s.length) {
          const d = s.charCodeAt(j);
          if (d < 0x20 || d === 0x7f) break;
          j++;
        }
        keys.push({ k: "text", s: s.slice(i, j) });
        i = j;
        continue;
      }
      if (c === 0x1b) {
        const n = this.escape(s, i, keys);
        if (n < 0) {
          this.tail = s.slice(i);
          break;
        }
        i += n;
        continue;
      }
      i++;
      if (c === 0x0d || c === 0x0a) keys.push({ k: "enter" });
      else if (c === 0x09) keys.push({ k: "tab" });
      else if (c === 0x7f || c === 0x08) keys.push({ k: "backspace" });
      else if (c === 0x17) keys.push({ k: "kill-word-back" });
      else if (c >= 0x01 && c <= 0x1a) keys.push({ k: "ctrl", c: String.fromCharCode(0x60 + c) });
      // NUL, FS, GS, RS, US: nothing
    }
    if (this.tail.length > MAX_SEQ) this.tail = "";
    return keys;
  }

  /** Decodes an escape sequence at `i`; returns its length, or -1 when it is not complete yet. */
  private escape(s: string, i: number, keys: Key[]): number {
    if (i + 1 >= s.length) return -1;
    const b = s[i + 1]!;
    if (b === "[") {
      let j = i + 2;
      // parameter bytes 0x30-0x3F, intermediate bytes 0x20-0x2F, then one final byte 0x40-0x7E
      while (j < s.length && s.charCodeAt(j) >= 0x20 && s.charCodeAt(j) <= 0x3f) j++;
      if (j >= s.length) return j - i > MAX_SEQ ? j - i : -1;
      const fin = s.charCodeAt(j);
      if (fin < 0x40 || fin > 0x7e) return j - i; // broken sequence: drop what we read
      const params = s.slice(i + 2, j);
      const key = csiKey(params, s[j]!);
      if (key) keys.push(key);
      return j - i + 1;
    }
    if (b === "O") {
      if (i + 2 >= s.length) return -1;
      const key = ss3Key(s[i + 2]!);
      if (key) keys.push(key);
      return 3;
    }
    // ESC + key: Alt/Meta combinations that readline knows
    if (b === "b") keys.push({ k: "word-left" });
    else if (b === "f") keys.push({ k: "word-right" });
    else if (b === "\x7f" || b === "\x08") keys.push({ k: "kill-word-back" });
    else if (b === "\x1b") return 1; // ESC ESC: drop the first, look at the second again
    return 2;
  }
}

function csiKey(params: string, fin: string): Key | undefined {
  // xterm modifiers: ESC [ 1 ; 5 D is Ctrl-Left
  const mod = /^1;(\d)$/.exec(params)?.[1];
  const ctrlOrAlt = mod === "5" || mod === "3";
  switch (fin) {
    case "A":
      return { k: "up" };
    case "B":
      return { k: "down" };
    case "C":
      return ctrlOrAlt ? { k: "word-right" } : { k: "right" };
    case "D":
      return ctrlOrAlt ? { k: "word-left" } : { k: "left" };
    case "H":
      return { k: "home" };
    case "F":
      return { k: "end" };
    case "~":
      switch (params) {
        case "1":
        case "7":
          return { k: "home" };
        case "4":
        case "8":
          return { k: "end" };
        case "3":
          return { k: "delete" };
      }
      return undefined; // 2~ insert, 5~/6~ page keys, 200~/201~ bracketed paste marks
  }
  return undefined;
}

function ss3Key(fin: string): Key | undefined {
  switch (fin) {
    case "A":
      return { k: "up" };
    case "B":
      return { k: "down" };
    case "C":
      return { k: "right" };
    case "D":
      return { k: "left" };
    case "H":
      return { k: "home" };
    case "F":
      return { k: "end" };
  }
  return undefined;
}
