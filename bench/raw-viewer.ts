/**
 * A viewer of the event stream that reads its socket as fast as the kernel hands bytes over and
 * parses nothing: a raw TCP socket after the WebSocket handshake (the server sends unmasked
 * frames, so the bytes counted are the frames as sent). A parsing client (ws) on this 2-core
 * machine fell behind at 20 viewers and the server thinned its stream, which measured the
 * client, not the server. Used by bench/live-fanout.ts and bench/live-class.ts.
 */
import { randomBytes } from "node:crypto";
import { connect, type Socket } from "node:net";

export interface ViewerAsks {
  /** `?format=compact`, as the page asks. */
  compact: boolean;
  /** `{"type":"sample","value":true}`, as the page sends once connected. */
  sample: boolean;
}

/** Opens a viewer on `url`'s /api/events; `onChunk` sees every chunk of frames read. */
export async function openRawViewer(
  url: string,
  asks: ViewerAsks,
  onChunk: (chunk: Buffer) => void,
): Promise<Socket> {
  const u = new URL(url);
  const socket = connect(Number(u.port), u.hostname);
  socket.write(
    `GET /api/events${asks.compact ? "?format=compact" : ""} HTTP/1.1\r\nHost: ${u.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: ${randomBytes(16).toString("base64")}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
  );
  await new Promise<void>((resolve, reject) => {
    let head = "";
    const onData = (d: Buffer) => {
      head += d.toString("latin1");
      const end = head.indexOf("\r\n\r\n");
      if (end < 0) return;
      socket.off("data", onData);
      if (!head.startsWith("HTTP/1.1 101")) return reject(new Error(`no upgrade: ${head.split("\r\n")[0]}`));
      socket.on("data", onChunk);
      if (asks.sample) socket.write(maskedText(JSON.stringify({ type: "sample", value: true })));
      resolve();
    };
    socket.on("data", onData);
    socket.once("error", reject);
  });
  return socket;
}

/** A client's text frame (RFC 6455 §5.2: FIN, opcode 1, masked; payloads under 126 bytes). */
function maskedText(text: string): Buffer {
  const payload = Buffer.from(text);
  const mask = randomBytes(4);
  const frame = Buffer.alloc(6 + payload.length);
  frame[0] = 0x81;
  frame[1] = 0x80 | payload.length;
  mask.copy(frame, 2);
  for (let i = 0; i < payload.length; i++) frame[6 + i] = payload[i]! ^ mask[i % 4]!;
  return frame;
}
