/**
 * Connected random router graphs as edge lists, for tests: a random spanning tree (each router
 * hangs off an earlier one) plus random extra links up to a mean degree of 3, from a seed.
 * Subnets are numbered 10.X.Y.0/24 in link order, as ../shared/bench/gen-topology.py does.
 */
import { Rng } from "../src/core/rng.js";

export function randomEdges(n: number, seed: number): string {
  const rng = new Rng(seed);
  const seen = new Set<string>();
  const edges: [number, number][] = [];
  const add = (a: number, b: number) => {
    const k = a < b ? `${a}-${b}` : `${b}-${a}`;
    if (a === b || seen.has(k)) return;
    seen.add(k);
    edges.push([a, b]);
  };
  for (let i = 1; i < n; i++) add(i, Math.floor(rng.float() * i));
  for (let tries = 0; edges.length < Math.round((n * 3) / 2) && tries < n * 20; tries++)
    add(Math.floor(rng.float() * n), Math.floor(rng.float() * n));
  return edges.map(([a, b], i) => `n${a + 1} n${b + 1} 10.${i >> 8}.${i & 255}.0/24\n`).join("");
}

/** The link a test takes down in a graph of `links` links, from the seed. */
export function linkToCut(links: number, seed: number): number {
  return Math.floor(new Rng(seed * 7 + 1).float() * links);
}
