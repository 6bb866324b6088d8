/**
 * @module topology/parse-edges
 * Edge lists, the plainest format (../shared/topologies/, the bench generator, the ns-3 peer):
 * one link a line, `A B SUBNET`, the first node taking host .1 and the second .2; `#` starts a
 * comment; blank lines are skipped. SUBNET may be left out to take one from the pool. Nodes
 * exist by being named, in order of first mention, all with the defaults (topology/defaults.ts).
 *
 * Written as a hand loop over lines (no regex per token, no YAML) because generated edge lists
 * run to tens of thousands of links.
 */
import { Diagnostics } from "./diag.js";
import { type DraftNode, newDraft } from "./draft.js";
import type { Topology } from "./model.js";
import { resolveDraft } from "./resolve.js";
import { parseSubnet } from "./values.js";

/** Parses an edge list; every fault is reported as `FILE:LINE:COL: message`. */
export function parseEdges(text: string, fileName: string): Topology {
  const diag = new Diagnostics(fileName);
  const draft = newDraft(fileName);
  const known = new Map<string, DraftNode>();
  const lines = text.split(/\r?\n/);
  let index = 0;
  lines.forEach((raw, i) => {
    const line = i + 1;
    const hash = raw.indexOf("#");
    const body = hash >= 0 ? raw.slice(0, hash) : raw;
    const tokens = tokenize(body);
    if (tokens.length === 0) return;
    if (tokens.length < 2 || tokens.length > 3) {
      const col = tokens.length > 3 ? tokens[3]!.col : tokens[0]!.col;
      const what = tokens.length > 3 ? `unexpected '${tokens[3]!.text}'` : "a link line needs two node names";
      diag.error(`${what}: write 'A B SUBNET', e.g. 'vm1 vm2 10.0.10.0/24'`, { line, col });
      return;
    }
    const [a, b, s] = tokens as [(typeof tokens)[0], (typeof tokens)[0], (typeof tokens)[0] | undefined];
    for (const t of [a, b]) {
      if (!known.has(t.text)) {
        const node: DraftNode = { name: t.text, at: { line, col: t.col }, statics: [] };
        known.set(t.text, node);
        draft.nodes.push(node);
      }
    }
    const link = {
      index: index++,
      at: { line, col: a.col },
      a: { node: a.text, at: { line, col: a.col } },
      b: { node: b.text, at: { line, col: b.col } },
      props: {},
    };
    if (s) {
      const p = parseSubnet(s.text);
      if (!p.ok) {
        diag.error(p.error, { line, col: s.col });
        return;
      }
      draft.links.push({ ...link, subnet: p.value, subnetAt: { line, col: s.col } });
    } else draft.links.push(link);
  });
  if (draft.nodes.length === 0)
    diag.error("no links: write one link a line, 'A B SUBNET'", { line: 1, col: 1 });
  return resolveDraft(draft, diag);
}

/** Whitespace-separated words of a line with their 1-based columns. */
function tokenize(line: string): { text: string; col: number }[] {
  const out: { text: string; col: number }[] = [];
  const n = line.length;
  let i = 0;
  while (i < n) {
    while (i < n && isSpace(line.charCodeAt(i))) i++;
    if (i >= n) break;
    const start = i;
    while (i < n && !isSpace(line.charCodeAt(i))) i++;
    out.push({ text: line.slice(start, i), col: start + 1 });
  }
  return out;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 13 || c === 11 || c === 12;
}
