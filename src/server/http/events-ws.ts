/**
 * @module server/http/events-ws
 * `GET /api/events` (WebSocket): the event stream in batches, through the bounded fanout, as
 * JSON (the default, for scripts and tests) or, with `?format=compact`, in the page's compact
 * encoding (compact-batch.ts: the same events as rows with a string table).
 * The page may send `{"type":"hide-rip","value":true}` so routing chatter it does not draw
 * (every routing protocol's packets; the message keeps its first name) is not sent at all, and `{"type":"sample","value":true}` to get a sample of the packets past what
 * it can draw (fanout-sample.ts; scripts that ask nothing get every event).
 *
 * The fanout hands every healthy viewer the very same string each flush; ws would turn it into
 * UTF-8 once per viewer (Buffer.byteLength, then Buffer.from: two passes over the batch for each
 * of 20 viewers). `sharedUtf8` encodes it once and every viewer's socket is given the same bytes,
 * still as a text frame (issue 23, "a stream built once").
 */
import type { FastifyInstance } from "fastify";
import { type ApiContext, principalFor } from "./context.js";
import type { FanoutService } from "./sim-services.js";
import { SECURITY, SWITCHING } from "./route-docs.js";
import { eventsQuery } from "./schemas.js";

const eventsSchema = {
  summary: "WebSocket event stream (batches of LabEvents every 50 ms; see api.md)",
  description:
    'Messages are `{"type":"batch", clock, events}` (server/http/event-fanout.ts `BatchMessage`), as JSON or, with `?format=compact`, in the compact encoding (api.md). The page may send `{"type":"hide-rip","value":true}` (leave out every routing protocol\'s packets) and `{"type":"sample","value":true}`. A caller who may not watch is closed with 4401 and the reason.',
  security: SECURITY.anybody,
  querystring: eventsQuery,
  response: { 101: SWITCHING },
};

/** A text frame's payload, encoded once for all the viewers it goes to. */
export function sharedUtf8(): (text: string) => Buffer {
  let lastText: string | null = null;
  let lastBytes: Buffer = Buffer.alloc(0);
  return (text) => {
    if (text !== lastText) {
      lastBytes = Buffer.from(text, "utf8");
      lastText = text;
    }
    return lastBytes;
  };
}

export function registerEventsWs(app: FastifyInstance, ctx: ApiContext, fanout: FanoutService): void {
  const utf8 = sharedUtf8();
  app.get(
    "/api/events",
    {
      websocket: true, // A copy: @fastify/websocket marks the schema it is given hidden.
      schema: { ...eventsSchema },
    },
    async (socket, request) => {
      try {
        await principalFor(ctx, request, "view");
      } catch (e) {
        socket.close(4401, (e as Error).message.slice(0, 100));
        return;
      }
      const format = (request.query as { format?: string }).format;
      const handle = fanout.add(
        {
          send: (text) => socket.send(utf8(text), { binary: false }),
          get bufferedAmount() {
            return socket.bufferedAmount;
          },
        },
        { compact: format === "compact" },
      );
      socket.on("message", (data) => {
        try {
          const msg = JSON.parse(String(data)) as { type?: string; value?: unknown };
          if (msg.type === "hide-rip") handle.setHideRouting(msg.value === true);
          else if (msg.type === "sample") handle.setSample(msg.value === true);
        } catch {
          // Not JSON: ignore, the stream is one-way apart from preferences.
        }
      });
      socket.on("close", () => handle.remove());
      socket.on("error", () => handle.remove());
    },
  );
}
