/**
 * Every package package-lock.json installs supports the Node versions routelab promises
 * (package.json `engines`, checked at the lowest Node 20 its toolchain runs on and at the
 * running Node), so `npm ci` on Node 20 prints no EBADENGINE warning. A dependency update that
 * pulls in a package for Node 22 only (content-disposition 3 through @fastify/static 10, cookie
 * 2 through light-my-request 6.8) fails here, naming it.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import semver from "semver";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..");
const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { engines: { node: string } };
const lock = JSON.parse(readFileSync(join(ROOT, "package-lock.json"), "utf8")) as {
  packages: Record<string, { version?: string; engines?: { node?: string } | string[]; optional?: boolean }>;
};

/** Vite 8 (the page's build) needs 20.19: the lowest Node 20 the project builds on. */
const LOWEST_NODE_20 = "20.19.0";

describe("engines", () => {
  it("the project promises Node 20", () => {
    expect(semver.satisfies(LOWEST_NODE_20, pkg.engines.node)).toBe(true);
  });

  it("every installed package supports it, and the running Node", () => {
    const refused: string[] = [];
    for (const [path, p] of Object.entries(lock.packages)) {
      const range = Array.isArray(p.engines) ? undefined : p.engines?.node;
      if (!path || !range) continue;
      for (const v of [LOWEST_NODE_20, process.versions.node])
        if (!semver.satisfies(v, range)) refused.push(`${path}@${p.version} needs node ${range} (not ${v})`);
    }
    expect(refused).toEqual([]);
  });
});
