// Preloaded into the server by bench/live-latency.ts (`node --require`): the server's own view of
// its event loop, to tell a stall of the server from the client's own delays on a loaded machine.
// perf_hooks' event-loop delay histogram (libuv timer, 10 ms resolution), written as JSON to
// ROUTELAB_LOOP_DELAY_FILE when the bench stops the server (SIGTERM) — only from the moment the
// bench asks (SIGUSR2: the server listens), so module loading and the lab's boot are left out.
"use strict";
const { monitorEventLoopDelay } = require("node:perf_hooks");
const { writeFileSync } = require("node:fs");

const file = process.env.ROUTELAB_LOOP_DELAY_FILE;
if (file) {
  const h = monitorEventLoopDelay({ resolution: 10 });
  process.on("SIGUSR2", () => {
    h.reset();
    h.enable();
  });
  process.on("SIGTERM", () => {
    h.disable();
    const ms = (ns) => ns / 1e6;
    writeFileSync(
      file,
      JSON.stringify({
        p50: ms(h.percentile(50)),
        p99: ms(h.percentile(99)),
        max: ms(h.max),
        count: h.count,
      }),
    );
    process.exit(0);
  });
}
