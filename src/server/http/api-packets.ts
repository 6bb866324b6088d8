/**
 * @module server/http/api-packets
 * The packets themselves (issue 19, "open a packet", "live capture"):
 * - `GET /api/packets/:packet` — the frames of one packet of the event stream, from the server's
 *   PacketStore (the latest frames of every link, bounded), for the page's packet view;
 * - `GET /api/links/:link/capture[?count=N&seconds=S]` — a live capture of one link as a pcapng
 *   stream (`routelab capture LAB LINK | tshark -i -`), bounded per reader (link-capture.ts) and
 *   in number at once. On the simulator the frames are the ones it puts on the wire; on netns
 *   they come from the kernel (a tcpdump on the link's interface, Lab.tapLink).
 * Both show what the map already shows everyone who may watch, byte for byte, so the packet
 * view asks for `view`; a capture holds a connection and a tcpdump open, so it asks for `exec`
 * (a login, on a lab with logins), as running a command does.
 */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import type { Nanos } from "../../core/time.js";
import type { Lab } from "../../lab/lab.js";
import { PACKET_STORE_LIMITS, PacketStore } from "../../lab/packet-store.js";
import type { RewindableLabView } from "../../lab/lesson-view.js";
import type { Awaitable, ServerLab } from "../server-lab.js";
import { HttpError, packetView } from "./api-shapes.js";
import { type ApiContext, principalFor } from "./context.js";
import { CAPTURE_BUFFER_BYTES, LinkCaptureStream } from "./link-capture.js";
import { PacketReplySchema } from "./packet-answers.js";
import { BAD_REQUEST, errorAnswer, NOT_FOUND, okAnswer, REFUSALS, SECURITY } from "./route-docs.js";

/** Live captures at once (each holds a connection, a buffer, and on netns a tcpdump). */
export const MAX_CAPTURES = 16;

const packetParams = Type.Object({
  packet: Type.String({ pattern: "^[0-9]{1,15}$", description: "a packet id from the event stream" }),
});
const linkParams = Type.Object({
  link: Type.String({ minLength: 1, maxLength: 200, description: "a link id from /api/topology" }),
});
const captureQuery = Type.Object(
  {
    count: Type.Optional(
      Type.String({ pattern: "^[0-9]{1,9}$", description: "stop after this many frames (tcpdump -c)" }),
    ),
    seconds: Type.Optional(
      Type.String({
        pattern: "^[0-9]{1,6}(\\.[0-9]{1,3})?$",
        description: "stop after this many seconds of wall-clock time",
      }),
    ),
  },
  { additionalProperties: false },
);

const UNSUPPORTED = errorAnswer("This lab's engine gives no frames (code `unsupported`)");

/** Frames of one link, from wherever this engine gets them; undefined when it gets none. */
function tapLink(
  lab: ServerLab,
  link: string,
  listener: (t: Nanos, bytes: Uint8Array, origLen: number) => void,
): (() => void) | undefined {
  if (lab.tapLink) return lab.tapLink(link, listener);
  return lab.onWire?.((l, t, bytes) => {
    if (l === link) listener(t, bytes, bytes.length);
  });
}

/** The frames of one packet (`GET /api/packets/:packet`), from wherever the packet store is kept. */
export interface PacketSource {
  view(packet: number): Awaitable<ReturnType<typeof packetView>>;
  stop(): void;
}

/** The packet store of an in-process lab, emptied by a rewind. */
export function localPackets(lab: Lab, rewindable?: RewindableLabView): PacketSource {
  const store = new PacketStore(lab);
  const offRewind = rewindable?.onRewind(() => store.clear());
  return {
    view: (packet) => packetView(store, packet, lab.engine),
    stop: () => {
      offRewind?.();
      store.stop();
    },
  };
}

export function registerPacketApi(app: FastifyInstance, ctx: ApiContext, packets: PacketSource): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const captures = new Set<LinkCaptureStream>();
  app.addHook("onClose", async () => {
    packets.stop();
    for (const c of captures) c.finish();
  });

  api.get(
    "/api/packets/:packet",
    {
      schema: {
        summary: "One packet's frames, for the page's packet view",
        description: `The frames of a packet of the event stream (its \`packet\` id), as they crossed each link, from the last ${PACKET_STORE_LIMITS.frames} frames (at most ${PACKET_STORE_LIMITS.bytes / 1024 / 1024} MiB) the server keeps; older ones are gone (404), and a rewind forgets them all. On netns: the IPv4 frames the picture's captures saw, their first 256 bytes.`,
        security: SECURITY.anybody,
        params: packetParams,
        response: {
          200: okAnswer(PacketReplySchema, "Its frames, hex"),
          ...REFUSALS,
          404: NOT_FOUND("no frame of this packet is held any more (or it never was)"),
          501: UNSUPPORTED,
        },
      },
    },
    async (request) => {
      await principalFor(ctx, request, "view");
      return packets.view(Number(request.params.packet));
    },
  );

  api.get(
    "/api/links/:link/capture",
    {
      schema: {
        summary: "A live capture of one link, as a pcapng stream",
        description: `Ethernet frames as they cross the link, from now on, until the reader goes away, \`count\` frames or \`seconds\` have passed: \`routelab capture URL LINK | tshark -i -\`, or \`curl -sN URL/api/links/LINK/capture | wireshark -k -i -\`. A reader that falls behind by ${CAPTURE_BUFFER_BYTES / 1024} KiB loses frames; their count is in the stream (Interface Statistics Blocks, \`isb_ifdrop\`). At most ${MAX_CAPTURES} captures at once. Needs what running a command needs (a login, on a lab with logins).`,
        security: SECURITY.anybody,
        params: linkParams,
        querystring: captureQuery,
        response: {
          200: {
            description:
              "pcapng: a section header, one Ethernet interface named after the link, then its frames",
            content: { "application/x-pcapng": { schema: { type: "string", format: "binary" } } },
          },
          400: BAD_REQUEST,
          ...REFUSALS,
          404: NOT_FOUND("no such link"),
          429: errorAnswer(
            `${MAX_CAPTURES} captures are running already, or too many wrong tokens from this address (then with Retry-After)`,
          ),
          501: UNSUPPORTED,
        },
      },
    },
    async (request, reply) => {
      await principalFor(ctx, request, "exec");
      const { link } = request.params;
      if (!ctx.lab.links().some((l) => l.id === link))
        throw new HttpError(404, `no such link: ${link}`, "link", "not-found");
      if (captures.size >= MAX_CAPTURES)
        throw new HttpError(
          429,
          `${MAX_CAPTURES} captures are running already: try again later`,
          undefined,
          "limit",
        );
      const count = request.query.count === undefined ? undefined : Number(request.query.count);
      if (count === 0) throw new HttpError(400, "count must be at least 1", "count");
      let stop: (() => void) | undefined;
      let timer: NodeJS.Timeout | undefined;
      const stream = new LinkCaptureStream(link, { maxBuffered: CAPTURE_BUFFER_BYTES, count }, (end) => {
        captures.delete(stream);
        stop?.();
        if (timer) clearTimeout(timer);
        if (end.dropped > 0)
          request.log.warn(
            { event: "capture", link, packets: end.packets, dropped: end.dropped },
            `capture of ${link}: ${end.dropped} frames dropped (the reader was too slow)`,
          );
      });
      try {
        stop = tapLink(ctx.lab, link, (t, bytes, origLen) => stream.frame(t, bytes, origLen));
      } catch (e) {
        stream.abandon();
        throw e;
      }
      if (stop === undefined) {
        stream.abandon();
        throw new HttpError(
          501,
          `the ${ctx.lab.engine} engine gives no frames to capture`,
          undefined,
          "unsupported",
        );
      }
      captures.add(stream);
      if (request.query.seconds !== undefined)
        timer = setTimeout(() => stream.finish(), Number(request.query.seconds) * 1000);
      // A quiet link sends nothing for a while: the connection's idle timeout must not end it.
      // (A test's injected request has no real socket.)
      const socket = request.raw.socket;
      if (typeof socket?.setTimeout === "function") socket.setTimeout(0);
      reply.raw.on("close", () => stream.abandon());
      return reply.type("application/x-pcapng").header("cache-control", "no-store").send(stream);
    },
  );
}
