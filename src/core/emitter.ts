/**
 * @module core/emitter
 * A minimal typed event emitter (browser-safe, unlike node:events).
 */
export type Listener<T> = (value: T) => void;

export class Emitter<Events extends Record<string, unknown>> {
  private listeners: { [K in keyof Events]?: Listener<Events[K]>[] } = {};

  on<K extends keyof Events>(name: K, fn: Listener<Events[K]>): () => void {
    let list = this.listeners[name];
    if (!list) {
      list = [];
      this.listeners[name] = list;
    }
    list.push(fn);
    return () => this.off(name, fn);
  }

  off<K extends keyof Events>(name: K, fn: Listener<Events[K]>): void {
    const list = this.listeners[name];
    if (!list) return;
    const i = list.indexOf(fn);
    if (i >= 0) list.splice(i, 1);
  }

  emit<K extends keyof Events>(name: K, value: Events[K]): void {
    const list = this.listeners[name];
    if (!list) return;
    for (const fn of list.slice()) fn(value);
  }

  has<K extends keyof Events>(name: K): boolean {
    return (this.listeners[name]?.length ?? 0) > 0;
  }
}
