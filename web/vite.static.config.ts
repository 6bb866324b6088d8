/**
 * The browser edition (issue 9): `npm run build:static` builds the same page as web/dist into
 * dist-static/, a static site with no server — the simulator runs in a Web Worker
 * (src/static/worker.ts) and web/src/static/boot.ts, loaded before the page's main module,
 * carries the page's `/api/…` calls to it. Relative paths, so the folder can be served from
 * anywhere (a web server's sub-folder, GitHub Pages, `python3 -m http.server`).
 */
import { fileURLToPath } from "node:url";
import { defineConfig, type Plugin } from "vite";

const root = fileURLToPath(new URL(".", import.meta.url));
const out = fileURLToPath(new URL("../dist-static", import.meta.url));

/** Adds the boot module before the page's own, and fills the server-only placeholders. */
function staticPage(): Plugin {
  return {
    name: "routelab-static-page",
    transformIndexHtml: {
      order: "pre",
      handler(html) {
        const first = html.indexOf('<script type="module"');
        if (first < 0) throw new Error("web/index.html: no module script to put the browser edition before");
        return (
          html.slice(0, first) +
          '<script type="module" src="./src/static/boot.ts"></script>\n    ' +
          html.slice(first)
        )
          .replaceAll("__ROUTELAB_STYLE_NONCE__", "static")
          .replace("<title>routelab</title>", "<title>routelab — in your browser</title>");
      },
    },
  };
}

/** The worker and the page must not pull in Node: a `node:` import fails the build, naming the importer. */
function noNode(): Plugin {
  return {
    name: "routelab-no-node",
    enforce: "pre",
    resolveId(id, importer) {
      if (id.startsWith("node:"))
        this.error(`${importer ?? "?"} imports ${id}: the browser edition cannot use Node modules`);
      return null;
    },
  };
}

export default defineConfig({
  root,
  base: "./",
  plugins: [noNode(), staticPage()],
  worker: { format: "es", plugins: () => [noNode()] },
  build: {
    outDir: out,
    emptyOutDir: true,
    target: "es2022",
    sourcemap: false,
    chunkSizeWarningLimit: 2000,
  },
});
