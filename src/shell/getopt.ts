/**
 * @module shell/getopt
 * BSD getopt(3): the option parsing every FreeBSD tool shares, with its exact behaviour —
 * options grouped (`-nq`), arguments attached or separate (`-c3`, `-c 3`), parsing stops at the
 * first operand or at `--`, and the two diagnostics `illegal option -- x` and
 * `option requires an argument -- x`.
 */

export type GetoptResult =
  | { ok: true; opts: { opt: string; arg: string | undefined }[]; operands: string[] }
  | { ok: false; error: string };

/**
 * Parses `args` (without the program name) against `spec` ("c:i:nq": a letter followed by `:`
 * takes an argument). On failure, `error` is getopt's diagnostic prefixed with `prog`.
 */
export function getopt(args: readonly string[], spec: string, prog: string): GetoptResult {
  const opts: { opt: string; arg: string | undefined }[] = [];
  let i = 0;
  while (i < args.length) {
    const a = args[i]!;
    if (a === "--") {
      i++;
      break;
    }
    if (a.length < 2 || a[0] !== "-") break;
    i++;
    for (let j = 1; j < a.length; j++) {
      const c = a[j]!;
      const at = c === ":" ? -1 : spec.indexOf(c);
      if (at < 0) return { ok: false, error: `${prog}: illegal option -- ${c}` };
      if (spec[at + 1] !== ":") {
        opts.push({ opt: c, arg: undefined });
        continue;
      }
      if (j + 1 < a.length) opts.push({ opt: c, arg: a.slice(j + 1) });
      else if (i < args.length) opts.push({ opt: c, arg: args[i++]! });
      else return { ok: false, error: `${prog}: option requires an argument -- ${c}` };
      break;
    }
  }
  return { ok: true, opts, operands: args.slice(i) };
}

/**
 * strtoul(s, &ep, 0) that must consume the whole string: decimal, 0x hex or 0 octal, with an
 * optional leading +. Undefined when anything is left over (ping's `*ep || ep == optarg`).
 */
export function strtoul(s: string): number | undefined {
  const m = /^\s*\+?(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/.exec(s);
  if (!m) return undefined;
  const t = m[1]!;
  if (/^0[xX]/.test(t)) return Number.parseInt(t.slice(2), 16);
  if (t.length > 1 && t[0] === "0") return Number.parseInt(t, 8);
  return Number(t);
}

/** strtod(s, &ep) that must consume the whole string. */
export function strtod(s: string): number | undefined {
  if (!/^\s*[+-]?(\d+\.?\d*(e[+-]?\d+)?|\.\d+(e[+-]?\d+)?)$/i.test(s)) return undefined;
  return Number(s.trim());
}
