/** @module web/dom — tiny DOM helpers (no framework: the page stays small). */

export function $<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`page: missing #${id}`);
  return el as T;
}

/**
 * Writes an element's text, title or hidden state only when it changes: an equal write still
 * queues a DOM mutation, and Chromium then styles, lays out and paints the page again (issue
 * 23: the header's notes, written with every stream message, cost that 17 times a second).
 */
export function setText(el: HTMLElement, text: string): void {
  if (el.textContent !== text) el.textContent = text;
}
export function setTitle(el: HTMLElement, title: string): void {
  if (el.title !== title) el.title = title;
}
export function setHidden(el: HTMLElement, hidden: boolean): void {
  if (el.hidden !== hidden) el.hidden = hidden;
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
