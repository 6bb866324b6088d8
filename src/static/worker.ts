/**
 * @module static/worker
 * The browser edition's Web Worker: the whole simulator (topology loaders, the simulated
 * network, its routing daemons, the shell's commands, the lesson's schedule and checks, rewind) runs here,
 * off the page's thread, paced by the worker's own clock. The page talks to it with the
 * messages of static/protocol.ts; a VirtualServer answers them as `routelab up` would.
 */
import { LabError } from "../core/errors.js";
import { createLessonLab } from "../engines/sim/lesson.js";
import { loadTopologyText } from "../topology/load.js";
import type { FromWorker, ToWorker } from "./protocol.js";
import { type VirtualSocket, VirtualServer } from "./virtual-server.js";
import { systemWallClock } from "../sim/index.js";

interface WorkerScope {
  postMessage(m: FromWorker): void;
  onmessage: ((ev: MessageEvent<ToWorker>) => void) | null;
}
const scope = globalThis as unknown as WorkerScope;

let server: VirtualServer | null = null;
const sockets = new Map<number, VirtualSocket>();
const post = (m: FromWorker) => scope.postMessage(m);

function closeSockets(): void {
  for (const [id, s] of sockets) {
    s.close();
    post({ type: "socket-closed", id, code: 1012, reason: "another lab was loaded" });
  }
  sockets.clear();
}

async function load(m: Extract<ToWorker, { type: "load" }>): Promise<void> {
  let topo: ReturnType<typeof loadTopologyText>;
  try {
    topo = loadTopologyText(m.text, m.fileName);
  } catch (e) {
    const error = e instanceof LabError ? e.format() : `${m.fileName}: ${(e as Error).message}`;
    post({ type: "load-error", id: m.id, error });
    return;
  }
  closeSockets();
  await server?.close();
  const { lab, session } = createLessonLab(topo, { seed: m.seed ?? 1, wallClock: systemWallClock });
  lab.pacer?.setSpeed(m.speed ?? 1);
  const o: { user?: string } = {};
  if (m.user) o.user = m.user;
  server = new VirtualServer(lab, session, o);
  post({
    type: "loaded",
    id: m.id,
    name: topo.name,
    nodes: topo.nodes.length,
    links: topo.links.length,
    lesson: topo.lesson !== undefined,
  });
}

scope.onmessage = (ev) => {
  const m = ev.data;
  switch (m.type) {
    case "load":
      void load(m);
      break;
    case "request": {
      const s = server;
      if (!s) {
        post({
          type: "response",
          id: m.id,
          status: 503,
          body: { error: "no lab loaded yet", code: "unavailable" },
        });
        break;
      }
      void s.request(m.method, m.url, m.body).then((r) => post({ type: "response", id: m.id, ...r }));
      break;
    }
    case "socket-open": {
      const sock = server?.openSocket(m.url, {
        send: (data) => post({ type: "socket-message", id: m.id, data }),
        close: (code, reason) => {
          sockets.delete(m.id);
          post({ type: "socket-closed", id: m.id, code, reason });
        },
      });
      if (sock) sockets.set(m.id, sock);
      else post({ type: "socket-closed", id: m.id, code: 4404, reason: `no socket at ${m.url}` });
      break;
    }
    case "socket-send":
      sockets.get(m.id)?.message(m.data);
      break;
    case "socket-close":
      sockets.get(m.id)?.close();
      sockets.delete(m.id);
      break;
  }
};
