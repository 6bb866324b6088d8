/** @module web/dom — tiny DOM helpers (no framework: the page stays small). */

export function $<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`page: missing #${id}`);
  return el as T;
}

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<Record<"className" | "textContent" | "title" | "type", string>> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  Object.assign(el, props);
  for (const c of children) el.append(c);
  return el;
}

/** Virtual ns as `12.345s`. */
export function fmtTime(ns: number): string {
  return `${(ns / 1e9).toFixed(3)}s`;
}

/**
 * `fn` once, `ms` after the first of a burst of calls: the calls until it runs are folded into
 * that one (a later call does not push it back, so a steady stream still runs it every `ms`).
 */
export function debounce(fn: () => void, ms: number): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  return () => {
    if (timer) return;
    timer = setTimeout(() => {
      timer = null;
      fn();
    }, ms);
  };
}
