/**
 * @module shell/parse
 * Splits a command line into words the way sh(1) does for simple commands: blanks separate
 * words; '…' keeps everything literally; "…" keeps everything but lets \ escape " \ $ `;
 * a backslash outside quotes escapes the next character; `#` at the start of a word begins a
 * comment. Operators (; < > ( ) and a `&` not at the end) are refused with a clear message
 * rather than half-supported; a trailing `&` is the caller's (background) business. `|` is
 * refused by splitWords and split by splitPipeline (shell/run.ts runs `A | B`), which also takes
 * the last command's `> FILE` or `>> FILE` (sh's output redirection; `echo … > /etc/services`);
 * splitRedirected takes one command and its redirection (what a student may type).
 */

export type ParseResult = { ok: true; words: string[] } | { ok: false; error: string };

const OPERATORS = new Set(["|", ";", "<", ">", "(", ")", "&"]);

/** Splits `line` into words, or explains in one line why it cannot. */
export function splitWords(line: string): ParseResult {
  const r = split(line, { pipes: false, redirects: false });
  return r.ok ? { ok: true, words: r.commands[0]! } : r;
}

/**
 * One command with at most one `> FILE` / `>> FILE` (the words without it, and where its output
 * goes); `|` and the other operators are refused as splitWords refuses them. What a student may
 * type (server/policy.ts): the file is the node's own (shell/run.ts `redirected`).
 */
export function splitRedirected(
  line: string,
): { ok: true; words: string[]; redirect?: Redirect } | { ok: false; error: string } {
  const r = split(line, { pipes: false, redirects: true });
  if (!r.ok) return r;
  return r.redirect === undefined
    ? { ok: true, words: r.commands[0]! }
    : { ok: true, words: r.commands[0]!, redirect: r.redirect };
}

/**
 * Splits a pipeline `A | B` into the words of each command (sh's `|`); the other operators
 * are refused as splitWords refuses them. An empty command beside a `|` is sh's syntax error.
 */
export function splitPipeline(
  line: string,
): { ok: true; commands: string[][]; redirect?: Redirect } | { ok: false; error: string } {
  const r = split(line, { pipes: true, redirects: true });
  if (!r.ok) return r;
  if (r.commands.length > 1 && r.commands.some((c) => c.length === 0))
    return { ok: false, error: 'Syntax error: "|" unexpected' };
  return r;
}

/** Where the last command's standard output goes: `> FILE` (truncate) or `>> FILE` (append). */
export interface Redirect {
  path: string;
  append: boolean;
}

function split(
  line: string,
  { pipes, redirects }: { pipes: boolean; redirects: boolean },
): { ok: true; commands: string[][]; redirect?: Redirect } | { ok: false; error: string } {
  const commands: string[][] = [];
  let redirect: Redirect | undefined;
  /** A `>` was read: the next word is its file, not an argument. */
  let pending: { append: boolean } | undefined;
  let words: string[] = [];
  const endWord = (w: string) => {
    if (pending !== undefined) {
      redirect = { path: w, append: pending.append };
      pending = undefined;
    } else words.push(w);
  };
  let word = "";
  let inWord = false;
  let i = 0;
  const n = line.length;
  while (i < n) {
    const c = line[i]!;
    if (c === " " || c === "\t" || c === "\n" || c === "\r") {
      if (inWord) endWord(word);
      word = "";
      inWord = false;
      i++;
      continue;
    }
    if (c === "#" && !inWord) break;
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) return { ok: false, error: "Syntax error: Unterminated quoted string" };
      word += line.slice(i + 1, end);
      inWord = true;
      i = end + 1;
      continue;
    }
    if (c === '"') {
      i++;
      let closed = false;
      while (i < n) {
        const d = line[i]!;
        if (d === '"') {
          closed = true;
          i++;
          break;
        }
        if (d === "\\" && i + 1 < n && '"\\$`'.includes(line[i + 1]!)) {
          word += line[i + 1];
          i += 2;
          continue;
        }
        word += d;
        i++;
      }
      if (!closed) return { ok: false, error: "Syntax error: Unterminated quoted string" };
      inWord = true;
      continue;
    }
    if (c === "\\") {
      if (i + 1 < n) word += line[i + 1];
      inWord = true;
      i += 2;
      continue;
    }
    if (c === ">" && redirects) {
      if (inWord) endWord(word);
      word = "";
      inWord = false;
      if (pending !== undefined || redirect !== undefined)
        return { ok: false, error: "Syntax error: one redirection per line is supported here" };
      const append = line[i + 1] === ">";
      pending = { append };
      i += append ? 2 : 1;
      continue;
    }
    if (c === "|" && pipes) {
      if (inWord) endWord(word);
      if (pending !== undefined) return { ok: false, error: 'Syntax error: "|" unexpected' };
      if (redirect !== undefined)
        return { ok: false, error: "Syntax error: a redirection is supported on the last command only" };
      word = "";
      inWord = false;
      commands.push(words);
      words = [];
      i++;
      continue;
    }
    if (OPERATORS.has(c))
      return { ok: false, error: `Syntax error: "${c}" is not supported here (one command per line)` };
    word += c;
    inWord = true;
    i++;
  }
  if (inWord) endWord(word);
  if (pending !== undefined) return { ok: false, error: "Syntax error: newline unexpected" };
  commands.push(words);
  return redirect === undefined ? { ok: true, commands } : { ok: true, commands, redirect };
}

/** Strips a trailing unquoted `&` (run in the background); returns the rest and whether it was there. */
export function splitBackground(line: string): { line: string; background: boolean } {
  const t = line.trimEnd();
  if (!t.endsWith("&")) return { line, background: false };
  const before = t[t.length - 2];
  if (before === "\\" || before === "&") return { line, background: false };
  return { line: t.slice(0, -1).trimEnd(), background: true };
}
