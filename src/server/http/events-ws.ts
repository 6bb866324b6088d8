/**
 * @module server/http/events-ws
 * `GET /api/events` (WebSocket): the event stream in batches, through the bounded fanout.
 * The page may send `{"type":"hide-rip","value":true}` so RIP chatter it does not draw is
 * not sent at all.
 */
import type { FastifyInstance } from "fastify";
import { type ApiContext, principalFor } from "./context.js";
import type { EventFanout } from "./event-fanout.js";

export function registerEventsWs(app: FastifyInstance, ctx: ApiContext, fanout: EventFanout): void {
  app.get("/api/events", { websocket: true }, async (socket, request) => {
    try {
      await principalFor(ctx, request, "view");
    } catch (e) {
      socket.close(4401, (e as Error).message.slice(0, 100));
      return;
    }
    const handle = fanout.add(socket);
    socket.on("message", (data) => {
      try {
        const msg = JSON.parse(String(data)) as { type?: string; value?: unknown };
        if (msg.type === "hide-rip") handle.setHideRip(msg.value === true);
      } catch {
        // Not JSON: ignore, the stream is one-way apart from preferences.
      }
    });
    socket.on("close", () => handle.remove());
    socket.on("error", () => handle.remove());
  });
}
