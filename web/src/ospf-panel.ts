/**
 * @module web/ospf-panel
 * The selected router's OSPF state (GET /api/nodes/:node/ospf): its database as `show ip ospf
 * database` prints it, and its shortest-path tree, listed and drawn on the map (the tree's
 * links stroked in OSPF's colour, render.ts `Selection.tree`). Refreshed like the routing table
 * when a route, link or node event touches the router. Hidden for a router without OSPF, and
 * on the netns engine, whose ospfd prints no tree (the API answers 404 there).
 */
import { api, type OspfReply } from "./api.js";
import { $, debounce, h } from "./dom.js";
import type { MapView } from "./map-view.js";

export class OspfPanel {
  node: string | null = null;
  private readonly refreshSoon = debounce(() => void this.refresh(), 150);
  /** Times the panel was filled (test hook). */
  renders = 0;

  constructor(
    private readonly map: MapView,
    private readonly hasOspf: (node: string) => boolean,
  ) {}

  show(node: string | null): void {
    this.node = node !== null && this.hasOspf(node) ? node : null;
    if (this.node === null) {
      $("ospf-panel").hidden = true;
      this.setTree(null);
      return;
    }
    $("ospf-title").textContent = `${node} OSPF`;
    void this.refresh();
  }

  /** A route/link/node event: refresh soon (a burst refreshes once). */
  touch(node?: string): void {
    if (this.node === null || (node !== undefined && node !== this.node)) return;
    this.refreshSoon();
  }

  async refresh(): Promise<void> {
    const node = this.node;
    if (!node) return;
    let v: OspfReply;
    try {
      v = await api.ospf(node);
    } catch {
      // No tree on this engine (netns) or the router stopped running OSPF: no panel.
      if (node === this.node) {
        $("ospf-panel").hidden = true;
        this.setTree(null);
      }
      return;
    }
    if (node !== this.node) return;
    this.render(v);
  }

  private render(v: OspfReply): void {
    $("ospf-panel").hidden = false;
    const byChild = new Map<string, { parents: string[]; dist: number }>();
    for (const e of v.tree) {
      const c = byChild.get(e.child) ?? { parents: [], dist: e.dist };
      c.parents.push(e.parent);
      byChild.set(e.child, c);
    }
    const rows = [...byChild].map(([child, c]) =>
      h(
        "tr",
        {},
        h("td", { textContent: child }),
        h("td", { textContent: c.parents.join(", ") }),
        h("td", { textContent: String(c.dist) }),
      ),
    );
    const body = $("ospf-tree").querySelector("tbody")!;
    body.replaceChildren(...rows);
    body.dataset.count = String(rows.length);
    $("ospf-db").textContent = v.database.replace(/^\n+/, "").trimEnd();
    this.setTree(new Set(v.tree.flatMap((e) => e.links)));
    this.renders++;
  }

  private setTree(links: ReadonlySet<string> | null): void {
    this.map.sel.tree = links;
    this.map.kick();
  }
}
