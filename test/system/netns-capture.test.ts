/**
 * Live capture on the netns engine (issue 19): `GET /api/links/:link/capture` on Linux
 * namespaces streams what the kernel saw on the link's veth (a tcpdump of its own, whole frames,
 * ARP too) as pcapng that tshark reads with nothing malformed; the packet view finds a hop's
 * frame by the packet id of its event (from the event captures: IPv4, first 256 bytes). Needs Linux, root, FRR and tcpdump;
 * skipped elsewhere, FAILS under CI=true when they are missing. Run it under
 * `flock /tmp/routelab-netns.lock`.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildApp } from "../../src/server/http/server.js";
import { loadTopologyText } from "../../src/topology/index.js";
import { dissectFrame, pcapngScan } from "../../src/wire/index.js";
import type { HopEvent } from "../../src/core/events.js";
import { requireTshark } from "./tshark.js";
import { netnsLabPerTest, RUN, skipNetns } from "./netns.testkit.js";

describe.skipIf(skipNetns)("live capture on the netns engine", () => {
  const boot = netnsLabPerTest();

  it.runIf(requireTshark())(
    "streams the kernel's frames of a link as pcapng",
    async () => {
      const file = join(import.meta.dirname, "..", "..", "examples", "triangle.yaml");
      const net = await boot(loadTopologyText(readFileSync(file, "utf8"), file), {
        prefix: `rlt-cap-${RUN}`,
      });
      const { app } = await buildApp({ lab: net, webRoot: "/nonexistent" });
      await app.ready();
      try {
        const link = net.links()[0]!;
        const hops: HopEvent[] = [];
        net.onEvent((e) => {
          if (e.kind === "hop" && e.cls === "echo-request") hops.push(e);
        });
        const capture = app.inject({ url: `/api/links/${link.id}/capture?count=20&seconds=60` });
        // ARP and ICMP across the link while it runs (the neighbour entry forgotten first).
        await new Promise((r) => setTimeout(r, 300));
        const ping = net.exec(link.a.node, `ping -c 20 -i 0.2 ${link.b.addr}`);
        const r = await capture;
        await ping.done;
        expect(r.statusCode).toBe(200);
        const bytes = new Uint8Array(r.rawPayload);
        const tally = { packets: 0, dropped: 0 };
        expect(pcapngScan(bytes, tally)).toBe(bytes.length);
        expect(tally).toEqual({ packets: 20, dropped: 0 });
        const out = execFileSync(
          "sh",
          ["-c", "cat | tshark -i - -n -T fields -e frame.protocols -e ip.src"],
          {
            input: bytes,
            encoding: "utf8",
            stdio: ["pipe", "pipe", "pipe"],
          },
        );
        const rows = out.trim().split("\n");
        expect(rows).toHaveLength(20);
        for (const row of rows) {
          expect(row).toMatch(/^eth:ethertype:(arp|ip)/);
          expect(row).not.toContain("malformed");
        }
        expect(rows.filter((row) => row.includes("icmp")).length, out).toBeGreaterThan(0);
        const hop = hops[0]!;
        const packet = await app.inject({ url: `/api/packets/${hop.packet}` });
        expect(packet.statusCode).toBe(200);
        const frame = (packet.json() as { frames: { link: string; bytes: string }[] }).frames[0]!;
        expect(frame.link).toBe(hop.link);
        const layers = dissectFrame(Uint8Array.from(Buffer.from(frame.bytes, "hex")));
        expect(layers.map((l) => l.name)).toEqual(["eth", "ip", "icmp"]);
      } finally {
        await app.close();
      }
    },
    240_000,
  );
});
