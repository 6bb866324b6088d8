/**
 * @module server/http/packet-answers
 * What `GET /api/packets/:packet` answers, written once (TypeBox): the schema documents and
 * checks the route, and the page imports the type.
 */
import { type Static, Type } from "@sinclair/typebox";

export const HeldFrameSchema = Type.Object({
  link: Type.String({ description: "the link it crossed (an id of /api/topology)" }),
  t: Type.Integer({ description: "when it left, virtual nanoseconds (the capture's time)" }),
  bytes: Type.String({
    pattern: "^([0-9a-f]{2})*$",
    description: "the Ethernet frame as it was on that link, hex (no FCS)",
  }),
  tcp: Type.Optional(
    Type.Object(
      {
        seq: Type.Integer({ description: "the raw sequence number its direction counts from" }),
        ack: Type.Optional(
          Type.Integer({ description: "the raw sequence number the other direction counts from, once seen" }),
        ),
      },
      {
        description:
          "a TCP segment's conversation bases, for Wireshark's relative sequence numbers (Seq: 0 on the SYN): learnt from every frame the server saw, older ones included",
      },
    ),
  ),
});

export const PacketReplySchema = Type.Object({
  packet: Type.Integer({ description: "the packet id of the event stream's hop, deliver and drop events" }),
  frames: Type.Array(HeldFrameSchema, {
    description:
      "its frames still held, in the order they left: one per link crossed (the IPv4 header changes at every hop: TTL, checksum, MACs)",
  }),
});

export type PacketReply = Static<typeof PacketReplySchema>;
