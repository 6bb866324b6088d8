/**
 * @module web/packet-view
 * "Open a packet": the panel a click on a moving dot (or on an event line) opens, laid out as
 * Wireshark's detail and bytes panes — every layer of the frame as a tree (src/wire/dissect.ts,
 * Wireshark's own field names and words) above its bytes in hex and ASCII; selecting a field
 * lights up its bytes, clicking a byte selects the field it belongs to. The packet's other hops
 * are a click away (the TTL goes down by one per router, the MACs change per link). The frames
 * come from `GET /api/packets/:packet`: the server keeps the latest ones.
 */
import type { PacketReply } from "../../src/server/http/packet-answers.js";
import { dissectFrame, type PacketField } from "../../src/wire/dissect.js";
import { TcpSequenceBases } from "../../src/wire/tcp-sequence.js";
import { ApiFailure, call } from "./api.js";
import { $, fmtTime, h } from "./dom.js";

/** Which packet to open, and where it was seen (a hop names its link; a delivery or drop not). */
export interface PacketRef {
  packet: number;
  link?: string;
  /** When it was seen (the hop's departure, or the delivery or drop). */
  t?: number;
  /** What the stream said of it where it was clicked (`vm1 → vm2 ICMP echo request …`). */
  title: string;
  /** The same without the where (`ICMP echo request …`): what holds on every hop. */
  summary: string;
}

type Frame = PacketReply["frames"][number];

/** The frame of `frames` that `ref` points at: the one on its link nearest before its time. */
export function chooseFrame(frames: Frame[], ref: PacketRef): number {
  let best = frames.length - 1;
  let bestGap = Number.POSITIVE_INFINITY;
  frames.forEach((f, i) => {
    if (ref.link !== undefined && f.link !== ref.link) return;
    const gap = ref.t === undefined ? frames.length - i : Math.abs(ref.t - f.t);
    if (gap < bestGap) {
      bestGap = gap;
      best = i;
    }
  });
  return Math.max(0, best);
}

function hexBytes(hex: string): Uint8Array {
  const b = new Uint8Array(hex.length / 2);
  for (let i = 0; i < b.length; i++) b[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return b;
}

export class PacketView {
  private readonly panel = $("packet-panel");
  private readonly tree = $("packet-tree");
  private readonly hex = $("packet-hex");
  private frames: Frame[] = [];
  private at = 0;
  /** The frame the click pointed at (its hop is the one the title names). */
  private clicked = 0;
  private bytes: Uint8Array = new Uint8Array(0);
  /** The byte spans of the hex pane (hex and ASCII), by byte index. */
  private cells: HTMLElement[][] = [];
  /** Each field's row, for selecting it from a byte. */
  private rows: { field: PacketField; row: HTMLElement; depth: number }[] = [];
  private selected: HTMLElement | null = null;
  private ref: PacketRef | null = null;

  /**
   * `pause` is asked when a packet opens: it stops the lab for those who may stop it, and says
   * whether it did.
   */
  constructor(private readonly pause: () => boolean) {
    $("packet-close").addEventListener("click", () => this.close());
    $("packet-prev").addEventListener("click", () => this.show(this.at - 1));
    $("packet-next").addEventListener("click", () => this.show(this.at + 1));
    window.addEventListener("keydown", (e) => {
      if (e.key === "Escape" && !this.panel.hidden) this.close();
    });
    this.hex.addEventListener("click", (e) => {
      const i = Number((e.target as HTMLElement).dataset.i);
      if (Number.isInteger(i)) this.selectByte(i);
    });
  }

  get isOpen(): boolean {
    return !this.panel.hidden;
  }

  close(): void {
    this.panel.hidden = true;
    this.ref = null;
  }

  async open(ref: PacketRef): Promise<void> {
    const paused = this.pause();
    $("packet-paused").hidden = !paused;
    this.ref = ref;
    this.panel.hidden = false;
    $("packet-title").textContent = `packet ${ref.packet}`;
    $("packet-where").textContent = ref.title;
    this.tree.replaceChildren(h("p", { className: "note", textContent: "fetching its bytes…" }));
    this.hex.replaceChildren();
    let reply: PacketReply;
    try {
      reply = await call<PacketReply>("GET", `/api/packets/${ref.packet}`);
    } catch (e) {
      if (this.ref !== ref) return;
      const why =
        e instanceof ApiFailure && e.status === 404
          ? "Its bytes are gone: the lab keeps only its latest frames. Open a packet still moving, or one just listed."
          : e instanceof ApiFailure && e.status === 501
            ? "This lab's engine keeps no packet bytes: capture the link instead (routelab capture)."
            : `Could not fetch its bytes: ${e instanceof Error ? e.message : String(e)}`;
      this.tree.replaceChildren(h("p", { className: "note", textContent: why }));
      return;
    }
    if (this.ref !== ref) return;
    this.frames = reply.frames;
    this.clicked = chooseFrame(reply.frames, ref);
    this.show(this.clicked);
  }

  /** Shows the packet's `i`th frame (one per link it crossed). */
  private show(i: number): void {
    if (i < 0 || i >= this.frames.length) return;
    this.at = i;
    const f = this.frames[i]!;
    // The stream's title names the hop that was clicked (`vm1 → vm2 …`); on another hop only
    // what the packet is holds (the hop line below names its link).
    if (this.ref) $("packet-where").textContent = i === this.clicked ? this.ref.title : this.ref.summary;
    this.bytes = hexBytes(f.bytes);
    $("packet-hop").textContent =
      `on ${f.link} at ${fmtTime(f.t)} · hop ${i + 1} of ${this.frames.length} · ${this.bytes.length} bytes`;
    $<HTMLButtonElement>("packet-prev").disabled = i === 0;
    $<HTMLButtonElement>("packet-next").disabled = i === this.frames.length - 1;
    this.rows = [];
    this.selected = null;
    // The server's conversation bases give Wireshark's relative sequence numbers (Seq: 0 on
    // the SYN); without them, a segment counts as if it were its conversation's first.
    const layers = dissectFrame(this.bytes, f.tcp ?? new TcpSequenceBases().lookup(this.bytes));
    const list = h("ul", { className: "tree" });
    for (const l of layers) list.append(this.item(l, 0, true));
    this.tree.replaceChildren(list);
    this.renderHex();
    // The innermost layer is what the packet is about: open it and select it.
    const last = this.rows.filter((r) => r.depth === 0).at(-1);
    if (last) {
      last.row.parentElement!.classList.add("open");
      this.select(last.row, last.field);
    }
  }

  private item(f: PacketField, depth: number, top: boolean): HTMLElement {
    const li = h("li");
    const row = h("div", { className: top ? "row layer" : "row" });
    row.tabIndex = 0;
    row.dataset.field = f.name;
    const kids = f.children ?? [];
    row.append(h("span", { className: "twisty", textContent: kids.length ? "" : " " }), f.text);
    li.append(row);
    if (kids.length) {
      li.classList.add("parent");
      const ul = h("ul");
      for (const c of kids) ul.append(this.item(c, depth + 1, false));
      li.append(ul);
    }
    this.rows.push({ field: f, row, depth });
    const act = () => {
      if (kids.length && this.selected === row) li.classList.toggle("open");
      else if (kids.length && top) li.classList.add("open");
      this.select(row, f);
    };
    row.addEventListener("click", act);
    row.addEventListener("keydown", (e) => {
      if (e.key === "Enter" || e.key === " ") {
        e.preventDefault();
        act();
      } else if (e.key === "ArrowRight" && kids.length) li.classList.add("open");
      else if (e.key === "ArrowLeft") li.classList.remove("open");
    });
    return li;
  }

  private select(row: HTMLElement, f: PacketField): void {
    this.selected?.classList.remove("selected");
    row.classList.add("selected");
    this.selected = row;
    for (const line of this.cells) for (const c of line) c.classList.remove("hl");
    for (let i = f.offset; i < f.offset + f.length && i < this.bytes.length; i++)
      for (const c of this.cells[i] ?? []) c.classList.add("hl");
    $("packet-field").textContent = f.name
      ? `${f.name} · bytes ${f.offset}–${f.offset + Math.max(f.length, 1) - 1}${f.length === 0 ? " (computed)" : ""}`
      : `bytes ${f.offset}–${f.offset + f.length - 1}`;
    this.hex.querySelector(".hl")?.scrollIntoView({ block: "nearest" });
  }

  /**
   * A click on a byte selects the narrowest field holding it (a bit-field's line aside: it shares
   * its bytes with its neighbours; the outer of two equal ones), and opens the rows above it.
   */
  private selectByte(i: number): void {
    let best: (typeof this.rows)[number] | undefined;
    for (const r of this.rows) {
      const f = r.field;
      if (f.length === 0 || i < f.offset || i >= f.offset + f.length || /^[.01]{4} /.test(f.text)) continue;
      if (!best || f.length < best.field.length || (f.length === best.field.length && r.depth < best.depth))
        best = r;
    }
    if (!best) return;
    for (let el = best.row.parentElement; el && el !== this.tree; el = el.parentElement)
      if (el.tagName === "LI" && el !== best.row.parentElement) el.classList.add("open");
    this.select(best.row, best.field);
    best.row.scrollIntoView({ block: "nearest" });
  }

  /** Wireshark's bytes pane: offset, 16 bytes in hex (8 + 8), the same as ASCII. */
  private renderHex(): void {
    const b = this.bytes;
    this.cells = Array.from({ length: b.length }, () => []);
    const lines: HTMLElement[] = [];
    for (let o = 0; o < b.length; o += 16) {
      const line = h(
        "div",
        { className: "line" },
        h("span", { className: "off", textContent: o.toString(16).padStart(4, "0") }),
      );
      const ascii = h("span", { className: "ascii" });
      for (let i = o; i < o + 16; i++) {
        if (i === o + 8) line.append(" ");
        if (i >= b.length) {
          line.append("   ");
          continue;
        }
        const x = h("span", { textContent: b[i]!.toString(16).padStart(2, "0") });
        const ch = b[i]! >= 0x20 && b[i]! < 0x7f ? String.fromCharCode(b[i]!) : ".";
        const a = h("span", { textContent: ch });
        x.dataset.i = a.dataset.i = String(i);
        line.append(" ", x);
        ascii.append(a);
        this.cells[i]!.push(x, a);
      }
      line.append("  ", ascii);
      lines.push(line);
    }
    this.hex.replaceChildren(...lines);
  }
}
