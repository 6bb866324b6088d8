import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // System tests start real programs (tshark, chromium, ssh, FRR); keep them from fighting for 2 cores.
    fileParallelism: true,
  },
});
