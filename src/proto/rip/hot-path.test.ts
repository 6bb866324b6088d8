import { describe, expect, it } from "vitest";
import { MINUTE, SECOND } from "../../core/time.js";
import { RipDaemon } from "./rip.js";
import { TestNet } from "./test-net.js";

/** r0 - r1 - r2 on 10.0.0.0/24 and 10.0.1.0/24. */
function line() {
  const net = new TestNet(3);
  net.connect("r0", "r1", "10.0.0.0/24");
  net.connect("r1", "r2", "10.0.1.0/24");
  const daemons = new Map<string, RipDaemon>();
  net.start((n) => {
    const d = new RipDaemon();
    daemons.set(n.name, d);
    return d;
  });
  return { net, d: (name: string) => daemons.get(name)! };
}

const route = (d: RipDaemon, dest: string) => d.status().routes.find((r) => r.dest === dest)!;

describe("the RIP hot path keeps what the status view shows", () => {
  it("a refreshed route's age counts from its last refresh (heard derived from expires)", () => {
    const { net, d } = line();
    const ages: number[] = [];
    for (let i = 0; i < 20; i++) {
      net.runFor(7 * SECOND);
      ages.push(route(d("r2"), "10.0.0.0/24").age);
    }
    // Refreshed every 25–35 s: never older than one update interval (+ the transit).
    expect(Math.max(...ages)).toBeLessThanOrEqual(36 * SECOND);
    expect(Math.min(...ages)).toBeGreaterThanOrEqual(0);
  });

  it("after a silent failure the age keeps counting from the last time it was heard", () => {
    const { net, d } = line();
    net.runFor(2 * MINUTE);
    net.linkDown("r1", "r2", true);
    net.runFor(200 * SECOND); // timeout (180 s) passed: deletion started, garbage collection runs
    const r = route(d("r2"), "10.0.0.0/24");
    expect(r.metric).toBe(16);
    expect(r.state).toBe("timeout");
    // Last heard at most one update interval (≤ 35 s) before the cut.
    expect(r.age).toBeGreaterThanOrEqual(200 * SECOND);
    expect(r.age).toBeLessThanOrEqual(236 * SECOND);
    net.runFor(30 * SECOND);
    expect(route(d("r2"), "10.0.0.0/24").age).toBe(r.age + 30 * SECOND);
  });

  it("the table stays sorted as routes come and go, and garbage-collected routes leave it", () => {
    const { net, d } = line();
    net.runFor(2 * MINUTE);
    net.linkDown("r0", "r1");
    net.runFor(10 * MINUTE); // withdrawal and garbage collection of 10.0.0.0/24 at r2
    expect(
      d("r2")
        .status()
        .routes.map((r) => r.dest),
    ).toEqual(["10.0.1.0/24"]);
    net.linkUp("r0", "r1");
    net.runFor(2 * MINUTE);
    expect(
      d("r2")
        .sortedRoutes()
        .map((r) => `${r.dest}/${r.len}`),
    ).toEqual([0x0a000000, 0x0a000100].map((a) => `${a}/24`));
    expect(d("r2").changedRoutes()).toEqual([]);
  });
});
