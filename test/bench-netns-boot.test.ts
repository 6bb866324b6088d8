/**
 * The bench's netns-boot section: skipped with the reason when the machine cannot boot
 * namespaces (not root, no FRR), otherwise one line per topology with wall and CPU per router.
 * (The boot itself is measured by `npm run bench -- --only netns-boot`; the engine's own system
 * tests are in test/system/netns.test.ts.)
 */
import { describe, expect, it } from "vitest";
import { renderNetnsBoot } from "../bench/workloads/netns-boot.js";

describe("bench: netns-boot report", () => {
  it("says why it was skipped", () => {
    const out = renderNetnsBoot({ skipped: "the netns engine needs root" }).join("\n");
    expect(out).toContain("netns engine boot");
    expect(out).toContain("skipped: the netns engine needs root");
  });

  it("prints wall and CPU per router, the runs and the phases; errors by name", () => {
    const out = renderNetnsBoot([
      {
        name: "seed",
        routers: 9,
        links: 11,
        phases: { namespaces: 18.2, interfaces: 144, daemons: 487, total: 661 },
        wallMs: 661,
        msPerRouter: 73.44,
        cpuMs: 410,
        cpuMsPerRouter: 45.56,
        closeMs: 192,
        runs: [60.1, 62, 73.4],
      },
      { name: "random-50", error: "workload crashed (exit 1): boom" },
    ]).join("\n");
    expect(out).toContain(
      "seed: 9 routers in 661 ms: 73.4 ms wall, 45.6 ms cpu per router (runs 60/62/73 ms/router; namespaces 18, interfaces 144, daemons 487 ms; close 192 ms)",
    );
    expect(out).toContain("random-50: workload crashed (exit 1): boom");
    expect(out).not.toContain("total");
  });
});
