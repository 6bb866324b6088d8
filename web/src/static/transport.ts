/**
 * @module web/static/transport
 * The browser edition's only trick: the page's `fetch("/api/…")` and `new WebSocket(".../api/…")`
 * are carried to the simulator's worker instead of a server (static/protocol.ts), so every page
 * module (api.ts, stream.ts, the terminal, the lesson panels) runs as it does against
 * `routelab up`, unchanged. Anything not under `/api/` goes to the real fetch and WebSocket.
 */
import type { FromWorker, ToWorker } from "../../../src/static/protocol.js";

export interface WorkerLink {
  post(m: ToWorker): void;
  /** Resolves once a lab is loaded (requests wait for it). */
  ready: Promise<void>;
}

let nextId = 1;
const responses = new Map<number, (m: Extract<FromWorker, { type: "response" }>) => void>();
const sockets = new Map<number, VirtualWebSocket>();

/** Routes the worker's answers to the request or socket they belong to. */
export function dispatch(m: FromWorker): void {
  if (m.type === "response") {
    responses.get(m.id)?.(m);
    responses.delete(m.id);
  } else if (m.type === "socket-message") sockets.get(m.id)?.deliver(m.data);
  else if (m.type === "socket-closed") {
    sockets.get(m.id)?.closed(m.code, m.reason);
    sockets.delete(m.id);
  }
}

/** `/api/…` on this page's origin, whatever the page's own path (the site may live in a folder). */
function apiPath(url: string | URL): string | null {
  const u = new URL(String(url), location.href);
  if (u.host !== location.host) return null;
  return u.pathname.startsWith("/api/") ? u.pathname + u.search : null;
}

let link: WorkerLink;

class VirtualWebSocket extends EventTarget {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSING = 2;
  static readonly CLOSED = 3;
  readonly CONNECTING = 0;
  readonly OPEN = 1;
  readonly CLOSING = 2;
  readonly CLOSED = 3;
  readyState = 0;
  readonly bufferedAmount = 0;
  readonly protocol = "";
  readonly extensions = "";
  binaryType: BinaryType = "blob";
  onopen: ((ev: Event) => void) | null = null;
  onmessage: ((ev: MessageEvent) => void) | null = null;
  onclose: ((ev: CloseEvent) => void) | null = null;
  onerror: ((ev: Event) => void) | null = null;
  private readonly id = nextId++;

  constructor(
    readonly url: string,
    path: string,
  ) {
    super();
    sockets.set(this.id, this);
    void link.ready.then(() => {
      if (this.readyState !== 0) return;
      link.post({ type: "socket-open", id: this.id, url: path });
      this.readyState = 1;
      this.fire(new Event("open"), this.onopen);
    });
  }

  private fire<E extends Event>(e: E, handler: ((ev: E) => void) | null): void {
    handler?.call(this, e);
    this.dispatchEvent(e);
  }

  deliver(data: string): void {
    if (this.readyState !== 1) return;
    this.fire(new MessageEvent("message", { data }), this.onmessage);
  }

  closed(code: number, reason: string): void {
    if (this.readyState === 3) return;
    this.readyState = 3;
    sockets.delete(this.id);
    this.fire(new CloseEvent("close", { code, reason, wasClean: code === 1000 }), this.onclose);
  }

  send(data: string): void {
    if (this.readyState !== 1) throw new DOMException("WebSocket is not open", "InvalidStateError");
    link.post({ type: "socket-send", id: this.id, data: String(data) });
  }

  close(code = 1000, reason = ""): void {
    if (this.readyState >= 2) return;
    const wasOpen = this.readyState === 1;
    this.readyState = 2;
    if (wasOpen) link.post({ type: "socket-close", id: this.id });
    // Like a browser's socket, the close event comes after the call returns.
    setTimeout(() => this.closed(code, reason), 0);
  }
}

/** Puts the worker behind fetch and WebSocket for `/api/…`. Call before any page module runs. */
export function installTransport(l: WorkerLink): void {
  link = l;
  const realFetch = window.fetch.bind(window);
  window.fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = input instanceof Request ? input.url : input;
    const path = apiPath(url);
    if (path === null) return realFetch(input, init);
    const method = init?.method ?? (input instanceof Request ? input.method : "GET");
    const text = typeof init?.body === "string" ? init.body : undefined;
    let body: unknown;
    if (text !== undefined) {
      try {
        body = JSON.parse(text);
      } catch {
        return json(400, { error: "body is not JSON", code: "invalid" });
      }
    }
    await link.ready;
    const id = nextId++;
    const reply = await new Promise<Extract<FromWorker, { type: "response" }>>((resolve) => {
      responses.set(id, resolve);
      const m: ToWorker = { type: "request", id, method, url: path };
      if (body !== undefined) m.body = body;
      link.post(m);
    });
    return json(reply.status, reply.body);
  };

  const RealWebSocket = window.WebSocket;
  const Shim = function (this: unknown, url: string | URL, protocols?: string | string[]) {
    const path = apiPath(url);
    if (path === null) return new RealWebSocket(url, protocols);
    return new VirtualWebSocket(String(url), path);
  } as unknown as typeof WebSocket;
  Object.assign(Shim, { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 });
  window.WebSocket = Shim;
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
}
