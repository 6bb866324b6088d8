/**
 * What the netns system tests share: whether this machine can run the engine (skipped where it
 * cannot, but FAILING under CI=true, where the "has what it needs" test fails instead), this
 * run's tag for lab prefixes, and a lab booted per test and closed after it. Run the tests under
 * `flock /tmp/routelab-netns.lock`.
 */
import { afterEach, expect, it } from "vitest";
import { createNetnsLab, type NetnsLab, type NetnsLabOptions } from "../../src/engines/netns/index.js";
import { netnsWhy, skipFor } from "../../src/engines/netns/netns.testkit.js";
import type { Topology } from "../../src/topology/model.js";

export { missingPrograms, netnsWhy, netnsWhyWith, skipFor } from "../../src/engines/netns/netns.testkit.js";

/** Skip a netns describe here: the engine cannot run and this is not CI (CI must fail instead). */
export const skipNetns = skipFor(netnsWhy);

/**
 * This run's tag in lab prefixes: two runs of a file at once (a CI checkout next to a working
 * tree on one machine) must not remove each other's labs as "leftovers".
 */
export const RUN = (process.pid % 1679616).toString(36);

export interface LabPerTestHooks {
  /** Before the test's lab closes (e.g. stop a process of the test's own that uses it). */
  beforeClose?: () => Promise<void> | void;
  /** After it closed (undefined: the test booted none), e.g. to check that nothing of it is left. */
  afterClose?: (closed: NetnsLab | undefined) => void;
}

/**
 * In a describe: first a test that fails when netns cannot run here (`why`: netnsWhy, or
 * netnsWhyWith's answer for a test that needs more programs), then the returned `boot`, whose
 * lab is closed after the test that booted it.
 */
export function netnsLabPerTest(
  hooks: LabPerTestHooks = {},
  why: string | null = netnsWhy,
): (topo: Topology, opts: NetnsLabOptions) => Promise<NetnsLab> {
  let current: NetnsLab | undefined;
  afterEach(async () => {
    await hooks.beforeClose?.();
    const closed = current;
    current = undefined;
    await closed?.close();
    hooks.afterClose?.(closed);
  });
  it("has what it needs", () => expect(why).toBeNull());
  return async (topo, opts) => {
    current = await createNetnsLab(topo, opts);
    return current;
  };
}
