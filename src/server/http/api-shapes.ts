/**
 * @module server/http/api-shapes
 * What the API answers, independent of the transport: the HTTP server (http/errors,
 * http/api-read) and the browser edition's worker (static/virtual-server) both use it, so
 * the two give the same bodies and the same error shapes. Browser-safe: no Node imports, no
 * fastify.
 */
import { LabError } from "../../core/errors.js";
import { formatIpv4, formatPrefix } from "../../core/ip.js";
import type { ServerLab } from "../server-lab.js";
import { PACKET_STORE_LIMITS, type PacketStore } from "../../lab/packet-store.js";

export interface ApiError {
  error: string;
  field?: string;
  code: string;
}

/** An API error with a status (thrown by route handlers). */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly field?: string,
    readonly code = "invalid",
  ) {
    super(message);
    this.name = "HttpError";
  }
}

const LAB_STATUS: Record<string, number> = {
  "not-found": 404,
  unsupported: 501,
  conflict: 409,
  limit: 429,
};

/**
 * The status and body of an HttpError, or of a LabError (bad node name, no such link: its code
 * picks the status); undefined for any other error, which the caller answers as it must.
 */
export function httpOrLabError(err: unknown): { status: number; body: ApiError } | undefined {
  if (err instanceof HttpError) {
    const body: ApiError = { error: err.message, code: err.code };
    if (err.field) body.field = err.field;
    return { status: err.status, body };
  }
  if (err instanceof LabError) {
    const body: ApiError = { error: err.message, code: err.code };
    if (err.pos.field) body.field = err.pos.field;
    return { status: LAB_STATUS[err.code] ?? 400, body };
  }
  return undefined;
}

/**
 * `GET /api/topology`: the lab's name and engine, its nodes, links (a segment's port links
 * `STATION-SEGMENT` among them), its segments with their member ports, and the clock.
 */
export function topologyView(lab: ServerLab) {
  return {
    name: lab.topology.name,
    engine: lab.engine,
    nodes: lab.nodes(),
    links: lab.links(),
    segments: segmentsView(lab),
    clock: lab.clock(),
  };
}

/** Each segment: its name, subnet and the stations on it, each with its port link's id. */
function segmentsView(lab: ServerLab) {
  return (lab.topology.segments ?? []).map((s) => ({
    id: s.id,
    subnet: formatPrefix({ addr: s.subnet, len: s.len }),
    ports: s.ends.map((e) => ({
      node: e.node,
      iface: e.iface,
      addr: formatIpv4(e.addr),
      link: `${e.node}-${s.id}`,
    })),
    ...(s.position ? { position: s.position } : {}),
  }));
}

/** `GET /api/packets/:packet`: the frames of a packet the store still holds, hex. */
export function packetView(store: PacketStore, packet: number, engine: string) {
  if (!store.available)
    throw new HttpError(
      501,
      `the ${engine} engine keeps no packet bytes: capture a link instead`,
      undefined,
      "unsupported",
    );
  const frames = store.frames(packet);
  if (frames.length === 0)
    throw new HttpError(
      404,
      `packet ${packet} is not held: the server keeps the last ${PACKET_STORE_LIMITS.frames} frames`,
      "packet",
      "not-found",
    );
  const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  return {
    packet,
    frames: frames.map((f) => ({
      link: f.link,
      t: f.t,
      bytes: hex(f.bytes),
      ...(f.tcp ? { tcp: f.tcp } : {}),
    })),
  };
}
