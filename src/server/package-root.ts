/**
 * @module server/package-root
 * The folder of routelab's package.json, found upward from a module's URL, so a path into the
 * package (examples/, web/dist, package.json) is the same from src/ (tests through tsx), dist/
 * (tsc) and dist/bundle/ (the bundled command line, vite.cli.config.ts), at whatever depth the
 * module was emitted.
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export function packageRoot(moduleUrl: string): string {
  const start = dirname(fileURLToPath(moduleUrl));
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, "package.json"))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${start}`);
  }
}
