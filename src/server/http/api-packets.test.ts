/**
 * The packet view's bytes and the live capture, on the simulator (seed network): a hop of the
 * event stream finds its frame again by packet id, the frame dissects as Ethernet/IPv4/ICMP,
 * and a capture of a link is a pcapng stream tshark reads with no malformed frame — bounded for
 * a reader that does not read (frames dropped and counted in the stream, as tcpdump counts).
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { afterEach, describe, expect, it } from "vitest";
import { requireTshark } from "../../../test/system/tshark.js";
import type { HopEvent, LabEvent } from "../../core/events.js";
import { SECOND } from "../../core/time.js";
import { createSimLab } from "../../engines/sim/index.js";
import { loadTopologyText } from "../../topology/index.js";
import { dissectFrame, pcapngScan, WireError } from "../../wire/index.js";
import { LinkCaptureStream } from "./link-capture.js";
import { buildApp } from "./server.js";

const SEED = join(import.meta.dirname, "..", "..", "..", "examples", "seed.yaml");

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function serveSeed() {
  const lab = createSimLab(loadTopologyText(readFileSync(SEED, "utf8"), SEED), { seed: 3 });
  const built = await buildApp({ lab, webRoot: "/nonexistent" });
  app = built.app;
  await app.ready();
  const events: LabEvent[] = [];
  lab.onEvent((e) => events.push(e));
  return { lab, app, events };
}

describe("GET /api/packets/:packet", () => {
  it("gives the frames of a hop the stream showed, and they dissect as Ethernet, IPv4, ICMP", async () => {
    const { lab, app, events } = await serveSeed();
    await lab.advance(40 * SECOND);
    const ping = await app.inject({
      method: "POST",
      url: "/api/exec",
      payload: { node: "vm1", command: "ping -c 1 vm6" },
    });
    expect(ping.json().exit).toBe(0);
    const hop = events.find((e): e is HopEvent => e.kind === "hop" && e.cls === "echo-request")!;
    const r = await app.inject({ url: `/api/packets/${hop.packet}` });
    expect(r.statusCode).toBe(200);
    const body = r.json() as { packet: number; frames: { link: string; t: number; bytes: string }[] };
    expect(body.packet).toBe(hop.packet);
    // vm1 → vm2 → vm6: two links, the TTL one less on the second.
    expect(body.frames.map((f) => f.link)).toEqual(["vm1-vm2", "vm2-vm6"]);
    const first = Uint8Array.from(Buffer.from(body.frames[0]!.bytes, "hex"));
    const layers = dissectFrame(first);
    expect(layers.map((l) => l.name)).toEqual(["eth", "ip", "icmp"]);
    expect(layers[2]!.children!.map((f) => f.text)).toContain("Type: 8 (Echo (ping) request)");
    const ttl = (hex: string) => Number.parseInt(hex.slice(44, 46), 16);
    expect(ttl(body.frames[1]!.bytes)).toBe(ttl(body.frames[0]!.bytes) - 1);
  });

  it("answers 404 for a packet it does not hold and 400 for a malformed id", async () => {
    const { app } = await serveSeed();
    const r = await app.inject({ url: "/api/packets/999999" });
    expect(r.statusCode).toBe(404);
    expect(r.json()).toMatchObject({ code: "not-found", field: "packet" });
    expect((await app.inject({ url: "/api/packets/abc" })).statusCode).toBe(400);
  });
});

describe("GET /api/links/:link/capture", () => {
  it.runIf(requireTshark())("streams pcapng that tshark decodes with no malformed frame", async () => {
    const { lab, app } = await serveSeed();
    const res = app.inject({ url: "/api/links/vm1-vm2/capture?count=12" });
    // The lab is unpaced: its frames come as virtual time is advanced (a turn of the event loop
    // between steps lets the request reach its handler first).
    for (let i = 0; i < 100; i++) {
      await new Promise((r) => setImmediate(r));
      await lab.advance(SECOND);
    }
    const r = await res;
    expect(r.statusCode).toBe(200);
    expect(r.headers["content-type"]).toBe("application/x-pcapng");
    const bytes = r.rawPayload;
    const tally = { packets: 0, dropped: 0 };
    expect(pcapngScan(new Uint8Array(bytes), tally)).toBe(bytes.length);
    expect(tally).toEqual({ packets: 12, dropped: 0 });
    // As `routelab capture … | tshark -i -` reads it: a live capture from a pipe.
    const out = execFileSync("sh", ["-c", "cat | tshark -i - -n -T fields -e frame.protocols"], {
      input: bytes,
      encoding: "utf8",
      stdio: ["pipe", "pipe", "pipe"],
    });
    const rows = out.trim().split("\n");
    expect(rows).toHaveLength(12);
    for (const row of rows) {
      expect(row).toMatch(/^eth:ethertype:(arp|ip:udp:rip)$/);
      expect(row).not.toContain("malformed");
    }
  });

  it("refuses an unknown link and a count of 0", async () => {
    const { app } = await serveSeed();
    expect((await app.inject({ url: "/api/links/vm1-vm99/capture" })).json()).toMatchObject({
      code: "not-found",
    });
    expect((await app.inject({ url: "/api/links/vm1-vm2/capture?count=0" })).statusCode).toBe(400);
    expect((await app.inject({ url: "/api/links/vm1-vm2/capture?speed=2" })).statusCode).toBe(400);
  });

  it("a reader that does not read costs a bounded buffer; the drops are counted in the stream", () => {
    let ended: { packets: number; dropped: number } | undefined;
    const s = new LinkCaptureStream("vm1-vm2", { maxBuffered: 64 * 1024 }, (e) => {
      ended = e;
    });
    const frame = new Uint8Array(1000);
    for (let i = 0; i < 10_000; i++) s.frame(i * 1000, frame);
    expect(s.readableLength).toBeLessThan(64 * 1024 + 2000);
    expect(s.packets + s.dropped).toBe(10_000);
    expect(s.dropped).toBeGreaterThan(9_000);
    s.finish();
    expect(ended).toEqual({ packets: s.packets, dropped: s.dropped });
    const chunks: Buffer[] = [];
    for (let c = s.read() as Buffer | null; c !== null; c = s.read()) chunks.push(c);
    const all = new Uint8Array(Buffer.concat(chunks));
    const tally = { packets: 0, dropped: 0 };
    const used = pcapngScan(all, tally);
    expect(used instanceof WireError ? used.reason : used).toBe(all.length);
    expect(tally).toEqual({ packets: s.packets, dropped: s.dropped });
    if (!requireTshark()) return;
    const rows = execFileSync("sh", ["-c", "cat | tshark -i - -n -T fields -e frame.len"], {
      input: all,
      encoding: "utf8",
      stdio: ["pipe", "pipe", "pipe"],
    });
    expect(rows.trim().split("\n")).toHaveLength(s.packets);
  });
});
