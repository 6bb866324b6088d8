/**
 * `onEvent(listener, kinds)` (issue 22): a listener that asks for some kinds gets only those,
 * and while no listener wants packet events the network builds none — `routelab run` watches
 * route changes for `wait converged`, and used to have an event object and a frame summary made
 * for every hop of every packet, to be thrown away.
 */
import { describe, expect, it } from "vitest";
import type { LabEvent } from "../../core/events.js";
import { SECOND } from "../../core/time.js";
import { loadTopologyText } from "../../topology/index.js";
import { createSimLab } from "./index.js";

const CHAIN = "r1 r2 10.0.0.0/24\nr2 r3 10.0.1.0/24\nr3 r4 10.0.2.0/24\n";

describe("SimLab.onEvent with kinds", () => {
  it("passes only the kinds asked for, and builds no packet event while nobody wants one", async () => {
    const lab = await createSimLab(loadTopologyText(CHAIN, "chain.edges"), { seed: 1 });
    const routes: LabEvent[] = [];
    const offRoutes = lab.onEvent((e) => routes.push(e), ["route"]);
    expect(lab.net.trace).not.toBeNull();
    expect(lab.net.tracePackets).toBe(false);
    // Count what the network builds: the hook itself, not a listener.
    const built: string[] = [];
    const hook = lab.net.trace!;
    lab.net.trace = (e) => {
      built.push(e.kind);
      hook(e);
    };
    lab.net.scheduler.runUntil(30 * SECOND); // RIP converges: routes change, updates hop
    expect(routes.length).toBeGreaterThan(0);
    expect(routes.every((e) => e.kind === "route")).toBe(true);
    expect(built).toContain("route");
    expect(built.filter((k) => k === "hop" || k === "deliver" || k === "drop")).toEqual([]);

    // A listener for everything: packet events are built again, and the route listener still
    // sees routes only.
    const all: LabEvent[] = [];
    const offAll = lab.onEvent((e) => all.push(e));
    expect(lab.net.tracePackets).toBe(true);
    const before = routes.length;
    lab.net.scheduler.runUntil(120 * SECOND);
    expect(all.some((e) => e.kind === "hop")).toBe(true);
    expect(routes.slice(before).every((e) => e.kind === "route")).toBe(true);

    offAll();
    expect(lab.net.tracePackets).toBe(false);
    offAll(); // twice is harmless
    expect(lab.net.tracePackets).toBe(false);
    offRoutes();
    expect(lab.net.trace).toBeNull();
    await lab.close();
  });
});
