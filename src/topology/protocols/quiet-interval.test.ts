import { describe, expect, it } from "vitest";
import { SECOND } from "../../core/time.js";
import { loadTopologyText } from "../load.js";
import { quietInterval } from "./index.js";

const yaml = (nodes: string) => `
defaults:
  rip: {update: 10s, timeout: 60s, garbage: 40s}
nodes:
${nodes}
links:
  - endpoints: [a, b]
  - endpoints: [b, c]
`;

describe("quietInterval (wait converged's): RIP's longest update interval", () => {
  it("is the topology's update interval when no router sets its own", () => {
    const t = loadTopologyText(yaml("  a: {}\n  b: {}\n  c: {}\n"), "t.yaml");
    expect(quietInterval(t)).toBe(10 * SECOND);
  });

  it("is a router's own interval when longer than the topology's", () => {
    const t = loadTopologyText(
      yaml(
        "  a: {}\n  b: {rip: {update: 30s, timeout: 180s, garbage: 120s}}\n  c: {rip: {update: 5s, timeout: 30s}}\n",
      ),
      "t.yaml",
    );
    expect(quietInterval(t)).toBe(30 * SECOND);
  });

  it("leaves out routers that do not run RIP", () => {
    const t = loadTopologyText(
      yaml("  a: {}\n  b: {}\n  c: {routing: static, rip: {update: 60s, timeout: 400s}}\n"),
      "t.yaml",
    );
    expect(quietInterval(t)).toBe(10 * SECOND);
  });
});
