/**
 * @module web/event-log
 * The scrolling event log, filterable by user and node. It keeps the last MAX entries as
 * plain data and re-renders only the visible list, so a burst of events costs little.
 */
import type { LabEvent } from "../../src/core/events.js";
import { describeShape } from "../../src/lab/link-shape.js";
import type { StreamEvent } from "./api.js";
import { $, debounce, fmtTime, h } from "./dom.js";
import type { PacketRef } from "./packet-view.js";
import { ignoredBroadcast } from "./scene.js";
import { isLinkLayerTraffic } from "../../src/core/link-layer-traffic.js";
import { isRoutingTraffic } from "../../src/core/routing-traffic.js";

const MAX = 400;
/** Lines the list shows at most. */
const SHOWN = 200;

interface Entry {
  /** Its place in the log's order (1, 2, …): what the list has shown so far is known by it. */
  n?: number;
  t: number;
  kind: string;
  user: string;
  nodes: string[];
  text: string;
  /** The packet a hop, delivery or drop line is about (a click opens it). */
  packet?: PacketRef;
}

function describe(e: StreamEvent): Entry | null {
  switch (e.kind) {
    case "hop":
      return {
        t: e.t,
        kind: "hop",
        user: e.user,
        nodes: [e.from, e.to],
        text: `${e.from} → ${e.to} ${e.summary}`,
        packet: {
          packet: e.packet,
          link: e.link,
          t: e.t,
          title: `${e.from} → ${e.to} ${e.summary}`,
          summary: e.summary,
        },
      };
    case "deliver":
      return {
        t: e.t,
        kind: "deliver",
        user: e.user,
        nodes: [e.node],
        text: `${e.node} received ${e.summary}`,
        packet: { packet: e.packet, t: e.t, title: `${e.node} received ${e.summary}`, summary: e.summary },
      };
    case "drop":
      return {
        t: e.t,
        kind: "drop",
        user: e.user,
        nodes: [e.node],
        text: `${e.node} dropped (${e.reason}) ${e.summary}`,
        packet: {
          packet: e.packet,
          ...(e.link !== undefined ? { link: e.link } : {}),
          t: e.t,
          title: `${e.node} dropped (${e.reason}) ${e.summary}`,
          summary: e.summary,
        },
      };
    case "route":
      return {
        t: e.t,
        kind: "route",
        user: "",
        nodes: [e.node],
        text: `${e.node} route ${e.action} ${e.dest} via ${e.nextHops?.join(", ") ?? e.gateway} ${e.iface}${e.metric !== undefined ? ` metric ${e.metric}` : ""} (${e.reason})`,
      };
    case "link":
      return {
        t: e.t,
        kind: "link",
        user: "",
        nodes: [e.a, e.b],
        text:
          e.delay !== undefined || e.loss !== undefined
            ? `link ${e.link} ${describeShape(e)}`
            : `link ${e.link} ${e.state}${e.silent ? " (silent)" : ""}`,
      };
    case "node":
      return { t: e.t, kind: "node", user: "", nodes: [e.node], text: `${e.node} ${e.state}` };
    case "socket":
      return {
        t: e.t,
        kind: "socket",
        user: e.user,
        nodes: [e.node],
        text: `${e.node} tcp ${e.local} ↔ ${e.remote} ${e.from} → ${e.state}${e.error !== undefined ? ` (${e.error})` : ""}`,
      };
    case "command":
      return {
        t: e.t,
        kind: "command",
        user: e.user,
        nodes: [e.node],
        text: `${e.user}@${e.node}$ ${e.command}${e.exit !== undefined ? ` → exit ${e.exit}` : ""}`,
      };
    case "missed":
      return {
        t: e.t,
        kind: "missed",
        user: "",
        nodes: [],
        text: `${e.count} events not shown (slow connection)`,
      };
    case "rewind":
      return {
        t: e.t,
        kind: "rewind",
        user: "",
        nodes: [],
        text: "⟲ rewound here: what follows is replayed or new",
      };
  }
}

export class EventLog {
  private entries: Entry[] = [];
  private users = new Set<string>();
  private nodes = new Set<string>();
  /** At most a few renders a second: a flood of events must not cost a DOM rebuild per frame. */
  private readonly renderSoon = debounce(() => this.render(), 250);
  /** The packets of the lines on screen. */
  private shownRefs = new WeakMap<Element, PacketRef>();
  hideRouting = false;
  /** Hides ARP (link-layer traffic) from the log, as the map hides it. */
  hideLinkLayer = false;
  /** Opens the packet of a clicked line. */
  openPacket: ((ref: PacketRef) => void) | null = null;
  /** Follow new entries unless the reader scrolled up to read older ones. */
  private stick = true;
  /** Entries numbered so far; the last one the list shows; the filter it was built for. */
  private numbered = 0;
  private shownUpTo = 0;
  private shownFor = "";

  constructor(nodeNames: string[]) {
    const list = $("log");
    list.addEventListener("scroll", () => {
      this.stick = list.scrollTop + list.clientHeight >= list.scrollHeight - 30;
    });
    const sel = $<HTMLSelectElement>("log-node");
    for (const n of nodeNames) {
      this.nodes.add(n);
      sel.append(h("option", { textContent: n }));
    }
    for (const id of ["log-user", "log-node", "log-hops"])
      $(id).addEventListener("change", () => this.render());
    list.addEventListener("click", (e) => {
      const li = (e.target as HTMLElement).closest("li");
      const ref = li ? this.shownRefs.get(li) : undefined;
      if (ref) this.openPacket?.(ref);
    });
  }

  add(events: StreamEvent[]): void {
    const hops = $<HTMLInputElement>("log-hops").checked;
    for (const e of events) {
      if (this.hideRouting && isRoutingChatter(e)) continue;
      if (this.hideLinkLayer && isLinkLayerEvent(e)) continue;
      if (e.kind === "hop" && !hops) continue;
      // Stations ignoring a broadcast meant for another are hop-level detail, not failures.
      if (e.kind === "drop" && !hops && ignoredBroadcast(e.reason, e.cls)) continue;
      if (e.kind === "deliver" && isRoutingTraffic(e.cls)) continue;
      const entry = describe(e);
      if (!entry) continue;
      entry.n = ++this.numbered;
      this.entries.push(entry);
      if (entry.user && !this.users.has(entry.user)) {
        this.users.add(entry.user);
        $<HTMLSelectElement>("log-user").append(h("option", { textContent: entry.user }));
      }
    }
    if (this.entries.length > MAX) this.entries.splice(0, this.entries.length - MAX);
    this.renderSoon();
  }

  /**
   * Shows the last SHOWN lines that pass the filters. While the filters hold, only the lines
   * added since the last render are made and appended (as many of the oldest removed): a render
   * costs the new lines, not 200 (issue 23: the whole list rebuilt 4 times a second made
   * Chromium style and lay it out anew each time, a long task on a loaded machine).
   */
  private render(): void {
    const user = $<HTMLSelectElement>("log-user").value;
    const node = $<HTMLSelectElement>("log-node").value;
    const list = $("log");
    const passes = (e: Entry) => (!user || e.user === user) && (!node || e.nodes.includes(node));
    const filter = `${user}\u0000${node}`;
    const whole = filter !== this.shownFor;
    const from = whole ? 0 : this.shownUpTo;
    const fresh: Entry[] = [];
    for (let i = this.entries.length - 1; i >= 0 && fresh.length < SHOWN; i--) {
      const e = this.entries[i]!;
      if ((e.n ?? 0) <= from) break;
      if (passes(e)) fresh.push(e);
    }
    fresh.reverse();
    this.shownFor = filter;
    this.shownUpTo = this.entries.at(-1)?.n ?? 0;
    const lines = fresh.map((e) => this.line(e));
    if (whole || fresh.length >= SHOWN) list.replaceChildren(...lines);
    else {
      list.append(...lines);
      const extra = list.childElementCount - SHOWN;
      if (extra > 0) {
        // The oldest lines at once (one change to the list, not one per line).
        const old = document.createRange();
        old.setStartBefore(list.firstElementChild!);
        old.setEndBefore(list.children[extra]!);
        old.deleteContents();
      }
    }
    if (this.stick) list.scrollTop = list.scrollHeight;
  }

  /** One line of the list; a packet's line opens it when clicked. */
  private line(e: Entry): HTMLLIElement {
    const li = h(
      "li",
      {
        className: e.packet ? `${e.kind} packet` : e.kind,
        title: e.packet ? `${e.text}\n(click: open this packet)` : e.text,
      },
      h("span", { className: "t", textContent: fmtTime(e.t) }),
      e.user ? `[${e.user}] ` : "",
      e.text,
    );
    if (e.packet) this.shownRefs.set(li, e.packet);
    return li;
  }
}

function isLinkLayerEvent(e: StreamEvent): boolean {
  return (e.kind === "hop" || e.kind === "deliver" || e.kind === "drop") && isLinkLayerTraffic(e.cls);
}

function isRoutingChatter(e: StreamEvent): boolean {
  return (
    (e.kind === "hop" || e.kind === "deliver" || e.kind === "drop") &&
    isRoutingTraffic((e as LabEvent & { cls: string }).cls)
  );
}
