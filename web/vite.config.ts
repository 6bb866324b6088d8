/**
 * Builds the page into web/dist, which `routelab up` serves. `npm run build:web`; during page
 * work `npx vite --config web/vite.config.ts` serves it with the API proxied to a running
 * `routelab up` on :8080.
 */
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const root = fileURLToPath(new URL(".", import.meta.url));

export default defineConfig({
  root,
  base: "/",
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    sourcemap: true,
  },
  server: {
    host: "127.0.0.1",
    proxy: {
      "/api/events": { target: "ws://127.0.0.1:8080", ws: true },
      "/api": "http://127.0.0.1:8080",
    },
  },
});
