/**
 * @module web/routes-panel
 * The routing table of the selected router, live: fetched on selection and again (debounced)
 * whenever a route, link or node event touches it, with changed rows highlighted.
 */
import { api, type RouteInfo } from "./api.js";
import { $, debounce, h } from "./dom.js";

export class RoutesPanel {
  node: string | null = null;
  private readonly refreshSoon = debounce(() => void this.refresh(), 150);
  private last = new Map<string, string>();
  /** Times the table was rendered (test hook). */
  renders = 0;
  onClose: () => void = () => {};
  /** Panels about the same router (web/ospf-panel): shown, hidden and refreshed with this one. */
  readonly followers: { show(node: string | null): void; touch(node?: string): void }[] = [];

  constructor(private readonly onError: (msg: string) => void) {
    $("routes-close").addEventListener("click", () => this.show(null));
  }

  show(node: string | null): void {
    this.node = node;
    for (const f of this.followers) f.show(node);
    this.last.clear();
    $("routes-panel").hidden = node === null;
    if (node === null) {
      this.onClose();
      return;
    }
    $("routes-title").textContent = `${node} routing table`;
    void this.refresh();
  }

  /** A route/link/node event happened: refresh soon (several events in a burst refresh once). */
  touch(node?: string): void {
    for (const f of this.followers) f.touch(node);
    if (this.node === null || (node !== undefined && node !== this.node)) return;
    this.refreshSoon();
  }

  async refresh(): Promise<void> {
    const node = this.node;
    if (!node) return;
    try {
      const { routes } = await api.routes(node);
      if (node === this.node) this.render(routes);
    } catch (e) {
      this.onError((e as Error).message);
    }
  }

  private render(routes: RouteInfo[]): void {
    const body = $("routes-table").querySelector("tbody")!;
    const rows = routes.map((r) => {
      const key = `${r.gateway}|${r.flags}|${r.iface}|${r.metric}`;
      const tr = h(
        "tr",
        {},
        h("td", { textContent: r.dest }),
        h("td", { textContent: r.gateway }),
        h("td", { textContent: r.flags }),
        h("td", { textContent: r.iface }),
        h("td", { textContent: String(r.metric) }),
      );
      const before = this.last.get(r.dest);
      if (this.renders > 0 && before !== key && this.last.size > 0) tr.className = "changed";
      return { tr, dest: r.dest, key };
    });
    body.replaceChildren(...rows.map((r) => r.tr));
    this.last = new Map(rows.map((r) => [r.dest, r.key]));
    this.renders++;
    body.dataset.count = String(routes.length);
  }
}
