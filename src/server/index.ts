/** @module server — the HTTP/WebSocket API and page (http/), users and SSH (issue 5). */
export * from "./http/index.js";
