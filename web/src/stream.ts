/**
 * @module web/stream
 * The event WebSocket, reconnecting with back-off when the server restarts. Each message is a
 * batch `{type:"batch", clock, events}` from the server's bounded fanout; the page asks for a
 * sample of the packets past what it can draw (`sample` in a batch says so: sample-note.ts).
 */
import type { BatchMessage, EventsClientMessage } from "../../src/server/http/stream-messages.js";
import { decodeBatch } from "./batch-decode.js";
import { SampleNote, type SampleInfo } from "./sample-note.js";

export interface Stream {
  setHideRouting(hide: boolean): void;
  /** Characters of messages received so far (ASCII JSON: bytes), for the frame-time bench. */
  readonly received: number;
  /** 1 packet in how many the last batch carried (1: every packet). */
  readonly sampleEvery: number;
  close(): void;
}

export function openStream(
  onBatch: (b: BatchMessage) => void,
  onState: (connected: boolean) => void,
): Stream {
  let ws: WebSocket | null = null;
  let hideRouting = false;
  let closed = false;
  let delay = 250;
  let received = 0;
  let sampleEvery = 1;
  const send = (msg: EventsClientMessage) => ws?.send(JSON.stringify(msg));
  const sampleNote = new SampleNote();
  // The compact encoding (batch-decode.ts): the same events, a third of the bytes (issue 23).
  const url = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/api/events?format=compact`;

  const connect = () => {
    ws = new WebSocket(url);
    ws.onopen = () => {
      delay = 250;
      onState(true);
      if (hideRouting) send({ type: "hide-rip", value: true });
      // Past what the page can draw, the server sends a sample of the packets (issue 23).
      send({ type: "sample", value: true });
    };
    ws.onmessage = (m) => {
      const text = String(m.data);
      received += text.length;
      const msg = decodeBatch(JSON.parse(text) as BatchMessage & { sample?: SampleInfo });
      if (msg.type !== "batch") return;
      sampleNote.batch(msg.sample, performance.now());
      sampleEvery = msg.sample?.every ?? 1;
      onBatch(msg);
    };
    ws.onclose = () => {
      onState(false);
      if (closed) return;
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 5000);
    };
  };
  connect();
  return {
    get received() {
      return received;
    },
    get sampleEvery() {
      return sampleEvery;
    },
    setHideRouting(hide) {
      hideRouting = hide;
      if (ws?.readyState === WebSocket.OPEN) send({ type: "hide-rip", value: hide });
    },
    close() {
      closed = true;
      ws?.close();
    },
  };
}
