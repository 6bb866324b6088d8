#!/usr/bin/env node
// Entry point of the `routelab` command: the compiled CLI lives in dist/ (built by `npm run build`,
// which `npm ci` runs through the `prepare` script).
import { main } from "../dist/cli/main.js";

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`routelab: internal error: ${err?.message ?? err}\n`);
    process.exitCode = 70;
  },
);
