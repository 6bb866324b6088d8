/** bin/bundle-loader.js: the bundled command line compiled with V8's code cache. */
export interface BundleLoader {
  /** The exports of a CommonJS file of the bundle (its relative requires load through here too). */
  load<T = Record<string, (...args: never[]) => unknown>>(file: string): T;
  /** For each file loaded: whether its cache was used, rejected by V8, or absent (or for another source). */
  caches(): { file: string; cache: "used" | "rejected" | "none" }[];
  /** Writes FILE.v8cache for each file loaded, from what this process has compiled. */
  writeCaches(): void;
}
export function bundleLoader(): BundleLoader;
