/** A chain of routers 100 px apart and a scene with the trails asked for (the trails' tests). */
import type { TopologyView } from "../../web/src/api.js";
import { Scene } from "../../web/src/scene.js";

export function chain(n: number): { topo: TopologyView; at: Map<string, { x: number; y: number }> } {
  const names = Array.from({ length: n }, (_, i) => `r${i}`);
  const link = (i: number) => ({
    id: `l${i}`,
    a: { node: names[i]!, iface: "eth0", addr: `10.0.${i}.1` },
    b: { node: names[i + 1]!, iface: "eth1", addr: `10.0.${i}.2` },
    subnet: `10.0.${i}.0/24`,
    up: true,
    silent: false,
    delay: 1e6,
    bandwidth: 0,
    loss: 0,
  });
  const topo = {
    nodes: names.map((name) => ({ name, kind: "router", up: true, interfaces: [] })),
    links: names.slice(1).map((_, i) => link(i)),
    segments: [],
  } as unknown as TopologyView;
  return { topo, at: new Map(names.map((name, i) => [name, { x: i * 100, y: 100 }])) };
}

export const CAM = { scale: 1, ox: 0, oy: 0 };

export function sceneWith(trails: { link: string; user: string; cls: string; end: number }[]): Scene {
  const { topo, at } = chain(40);
  const colors: Record<string, string> = { alice: "#e69f00", bob: "#56b4e9", rip: "#888888" };
  const scene = new Scene(topo, at, (u) => colors[u] ?? "#ffffff");
  for (const t of trails) {
    const link = scene.links.get(t.link)!;
    scene.trails.set(`${t.link}\u0000${t.user}\u0000${t.cls}`, {
      link,
      reverse: false,
      user: t.user,
      color: colors[t.user]!,
      cls: t.cls as never,
      end: t.end,
    });
  }
  return scene;
}
