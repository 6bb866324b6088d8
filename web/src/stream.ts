/**
 * @module web/stream
 * The event WebSocket, reconnecting with back-off when the server restarts. Each message is a
 * batch `{type:"batch", clock, events}` from the server's bounded fanout.
 */
import type { BatchMessage, EventsClientMessage } from "../../src/server/http/stream-messages.js";

export interface Stream {
  setHideRip(hide: boolean): void;
  close(): void;
}

export function openStream(
  onBatch: (b: BatchMessage) => void,
  onState: (connected: boolean) => void,
): Stream {
  let ws: WebSocket | null = null;
  let hideRip = false;
  let closed = false;
  let delay = 250;
  const send = (msg: EventsClientMessage) => ws?.send(JSON.stringify(msg));
  const url = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/api/events`;

  const connect = () => {
    ws = new WebSocket(url);
    ws.onopen = () => {
      delay = 250;
      onState(true);
      if (hideRip) send({ type: "hide-rip", value: true });
    };
    ws.onmessage = (m) => {
      const msg = JSON.parse(String(m.data)) as BatchMessage;
      if (msg.type === "batch") onBatch(msg);
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
    setHideRip(hide) {
      hideRip = hide;
      if (ws?.readyState === WebSocket.OPEN) send({ type: "hide-rip", value: hide });
    },
    close() {
      closed = true;
      ws?.close();
    },
  };
}
