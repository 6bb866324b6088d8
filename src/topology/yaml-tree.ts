/**
 * @module topology/yaml-tree
 * Reads a YAML document node by node, keeping the source position of every value, so that a
 * fault deep in a file is reported as `seed.yaml:14:7: links[3].endpoints[1]: …` instead of a
 * stack trace or a message without a place. Used by the routelab and containerlab parsers.
 *
 * We walk the yaml package's syntax tree (not `toJS()`, which forgets positions). Walking is
 * driven by the expected schema, so aliases are followed without risk of cycles. Duplicate keys
 * are found here rather than by the yaml package, so the message can say what the key is
 * (a node name, a field) and where it first appeared.
 */
import {
  type Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseDocument,
  Scalar,
} from "yaml";
import type { SourcePos } from "../core/errors.js";
import type { Diagnostics } from "./diag.js";
import { didYouMean } from "./suggest.js";

/** One `key: value` of a mapping, with the key's text and the path of the value. */
export interface Entry {
  key: string;
  keyNode: Node;
  value: Node | null;
  field: string;
}

/** `links` + 3 → `links[3]`; `nodes` + `vm1` → `nodes.vm1`. */
export function child(field: string, key: string | number): string {
  if (typeof key === "number") return `${field}[${key}]`;
  return field ? `${field}.${key}` : key;
}

export class YamlReader {
  private constructor(
    readonly doc: Document.Parsed,
    private readonly lines: LineCounter,
    readonly diag: Diagnostics,
  ) {}

  /**
   * Parses `text`; YAML syntax faults go to `diag`. Returns undefined when the text is not
   * YAML at all (then there is nothing to check further).
   */
  static parse(text: string, diag: Diagnostics): YamlReader | undefined {
    const lines = new LineCounter();
    const doc = parseDocument(text, {
      lineCounter: lines,
      prettyErrors: false,
      uniqueKeys: false,
      strict: true,
    });
    const r = new YamlReader(doc, lines, diag);
    // One syntax error a line: the yaml package often reports a cascade from one slip.
    const seenLines = new Set<number>();
    for (const e of doc.errors) {
      const { line, col } = lines.linePos(e.pos[0]);
      if (seenLines.has(line)) continue;
      seenLines.add(line);
      diag.error(
        `YAML syntax error: ${syntaxMessage(e.code, e.message, text.slice(e.pos[0], e.pos[1]))}`,
        { line, col },
        "yaml",
      );
    }
    return doc.errors.length ? undefined : r;
  }

  /** The whole document's top value (null for an empty file). */
  get root(): Node | null {
    return this.resolve(this.doc.contents as Node | null);
  }

  /** Position of a value, for messages. */
  pos(node: Node | null | undefined, field: string): SourcePos {
    const off = node?.range?.[0] ?? 0;
    const { line, col } = this.lines.linePos(off);
    return field ? { line, col, field } : { line, col };
  }

  error(node: Node | null | undefined, field: string, message: string): void {
    this.diag.error(message, this.pos(node, field));
  }

  /** Follows an alias (`*name`) to its anchored value. */
  resolve(node: Node | null | undefined): Node | null {
    if (node && isAlias(node)) {
      const target = node.resolve(this.doc) as Node | undefined;
      if (!target) {
        this.error(node, "", `unknown YAML alias '*${node.source}'`);
        return null;
      }
      return target;
    }
    return node ?? null;
  }

  isNull(node: Node | null): boolean {
    return node === null || (isScalar(node) && node.value === null);
  }

  /**
   * The entries of a mapping. `allowed` lists the keys this mapping may hold (typo
   * protection); null allows any key (a map of names, called `keyWord` in messages). Reports
   * duplicate keys (keeping the first) and returns undefined, after reporting, when the value
   * is not a mapping.
   */
  map(
    node: Node | null,
    field: string,
    allowed: readonly string[] | null,
    what = "a mapping",
    keyWord = "name",
  ): Entry[] | undefined {
    const n = this.resolve(node);
    if (!n || !isMap(n)) {
      this.error(n ?? node, field, `expected ${what}, found ${kindOf(n)}`);
      return undefined;
    }
    const seen = new Map<string, Node>();
    const out: Entry[] = [];
    for (const pair of n.items) {
      const keyNode = pair.key as Node | null;
      const k = this.resolve(keyNode);
      if (!k || !isScalar(k) || k.value === null || typeof k.value === "object") {
        this.error(keyNode ?? n, field, `keys must be plain names, found ${kindOf(k)}`);
        continue;
      }
      const key = scalarText(k);
      const f = child(field, key);
      const first = seen.get(key);
      if (first) {
        const line = this.pos(first, "").line;
        const thing = allowed === null ? `${keyWord} '${key}'` : `key '${key}'`;
        this.error(keyNode, f, `duplicate ${thing} (first at line ${line})`);
        continue;
      }
      seen.set(key, keyNode!);
      if (allowed && !allowed.includes(key)) {
        const hint =
          allowed.length <= 12
            ? ` (allowed here: ${allowed.join(", ")})`
            : didYouMean(key, allowed) || " (not a known field here)";
        this.error(keyNode, f, `unknown key '${key}'${hint}`);
        continue;
      }
      out.push({
        key,
        keyNode: keyNode!,
        value: this.valueOf(pair.value as Node | null, keyNode!),
        field: f,
      });
    }
    return out;
  }

  /** A missing value (`? key` with nothing after it) as a null scalar placed after its key. */
  private valueOf(value: Node | null, key: Node): Node {
    if (value) return value;
    const s = new Scalar(null);
    const end = key.range?.[1] ?? 0;
    s.range = [end, end, end];
    return s;
  }

  /** Position `delta` characters into a scalar's text (past an opening quote), for `vm1:eth1`. */
  posInside(node: Node, field: string, delta: number): SourcePos {
    const quoted = isScalar(node) && (node.type === "QUOTE_DOUBLE" || node.type === "QUOTE_SINGLE") ? 1 : 0;
    const { line, col } = this.lines.linePos((node.range?.[0] ?? 0) + quoted + delta);
    return { line, col, field };
  }

  /** The items of a sequence, or undefined after reporting when the value is not one. */
  seq(node: Node | null, field: string, what = "a list"): (Node | null)[] | undefined {
    const n = this.resolve(node);
    if (!n || !isSeq(n)) {
      this.error(n ?? node, field, `expected ${what}, found ${kindOf(n)}`);
      return undefined;
    }
    return n.items.map((i) => this.resolve(i as Node | null));
  }

  /** A scalar's text (strings, and numbers as written: `2` stays "2"). */
  text(node: Node | null, field: string, what = "a string"): string | undefined {
    const n = this.resolve(node);
    if (n && isScalar(n) && (typeof n.value === "string" || typeof n.value === "number"))
      return scalarText(n);
    this.error(n ?? node, field, `expected ${what}, found ${kindOf(n)}`);
    return undefined;
  }

  /** A string or a number, as YAML typed it. */
  scalar(node: Node | null, field: string, what: string): string | number | undefined {
    const n = this.resolve(node);
    if (n && isScalar(n) && (typeof n.value === "string" || typeof n.value === "number")) return n.value;
    this.error(n ?? node, field, `expected ${what}, found ${kindOf(n)}`);
    return undefined;
  }

  number(node: Node | null, field: string, what = "a number"): number | undefined {
    const n = this.resolve(node);
    if (n && isScalar(n) && typeof n.value === "number" && Number.isFinite(n.value)) return n.value;
    this.error(n ?? node, field, `expected ${what}, found ${kindOf(n)}`);
    return undefined;
  }

  /** Whether a value is a mapping / sequence (after aliases), for fields with several forms. */
  isMap(node: Node | null): boolean {
    const n = this.resolve(node);
    return !!n && isMap(n);
  }

  isSeq(node: Node | null): boolean {
    const n = this.resolve(node);
    return !!n && isSeq(n);
  }
}

/** The yaml package's message, reworded where it speaks to programmers rather than lab authors. */
function syntaxMessage(code: string, message: string, source: string): string {
  if (code === "MULTIPLE_DOCS") return "a topology file holds one YAML document (remove the second '---')";
  const m = message.replace(/\s+/g, " ").trim();
  if (code === "MISSING_CHAR" && /^[^\s:#]+:[^\s:/]/.test(source))
    return `${m} (a space is needed after ':')`;
  return m;
}

/** A scalar as its author wrote it: numbers keep their spelling (`010`, `1.50`). */
function scalarText(s: Scalar): string {
  if (typeof s.value === "string") return s.value;
  return s.source !== undefined ? String(s.source) : String(s.value);
}

/** What a YAML value is, in words, for "expected X, found Y". */
export function kindOf(n: Node | null | undefined): string {
  if (!n) return "nothing";
  if (isMap(n)) return "a mapping";
  if (isSeq(n)) return "a list";
  if (isScalar(n)) {
    const v = n.value;
    if (v === null) return "nothing";
    if (typeof v === "string") return `'${v}'`;
    if (typeof v === "number") return `the number ${scalarText(n)}`;
    if (typeof v === "boolean") return `${v}`;
    return "a value of an unsupported type";
  }
  return "an unsupported YAML value";
}
