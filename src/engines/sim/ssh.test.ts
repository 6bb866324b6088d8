/**
 * The in-lab ssh on the simulator (apps/ssh.ts, engines/sim/ssh.ts) on the seed's second system
 * (examples/lessons/relay.yaml): `ssh 192.168.10.200` from the client is a TCP connection to
 * port 22 that the post's alias, REDIRECT and xinetd turn into two, landing on the moved server.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { LabEvent, SocketEvent } from "../../core/events.js";
import { SECOND } from "../../core/time.js";
import { RELAY_COMMANDS } from "../../lab/relay-conformance.testkit.js";
import { loadTopologyText } from "../../topology/index.js";
import { createSimLab } from "./index.js";
import { RewindableLab } from "./rewind.js";
import type { SimLab } from "./sim-lab.js";

const RELAY = readFileSync(
  join(import.meta.dirname, "..", "..", "..", "examples", "lessons", "relay.yaml"),
  "utf8",
);

async function relayLab(commands: readonly string[]): Promise<SimLab> {
  const lab = createSimLab(loadTopologyText(RELAY, "relay.yaml")) as SimLab;
  await lab.advance(2 * SECOND);
  for (const line of commands) {
    const x = lab.exec("relay", line);
    await lab.advanceUntil(() => x.exitCode !== undefined, 10 * SECOND);
    expect(await x.done, line).toBe(0);
  }
  return lab;
}

async function ssh(lab: SimLab, from: string, host: string): Promise<{ node: string } | { error: string }> {
  let r: { node: string } | { error: string } | undefined;
  const hop = lab.ssh(from, host, { user: "alice" });
  void hop.landed.then((x) => (r = x));
  await lab.advanceUntil(() => r !== undefined, 120 * SECOND);
  await Promise.resolve();
  expect(r, `ssh ${host} from ${from} never finished`).toBeDefined();
  return r!;
}

/** TCP payloads put on the wire, as text, in order. */
function payloads(lab: SimLab): string[] {
  const out: string[] = [];
  lab.onWire((_link, _t, b) => {
    // Ethernet (14) + IPv4 (IHL) + TCP (data offset): what follows is the payload.
    if (b[12] !== 0x08 || b[13] !== 0x00 || b[23] !== 6) return;
    const ip = 14 + (b[14]! & 15) * 4;
    const tcp = ip + (b[ip + 12]! >> 4) * 4;
    const total = 14 + ((b[16]! << 8) | b[17]!);
    if (total > tcp) out.push(new TextDecoder().decode(b.subarray(tcp, total)));
  });
  return out;
}

describe("ssh on the simulator", () => {
  it("lands on the moved server through the alias, the REDIRECT and xinetd, as two TCP connections", async () => {
    const lab = await relayLab(RELAY_COMMANDS);
    const sockets: SocketEvent[] = [];
    lab.onEvent((e: LabEvent) => {
      if (e.kind === "socket" && e.state === "SYN_SENT") sockets.push(e);
    });
    const wire = payloads(lab);
    expect(await ssh(lab, "client", "192.168.10.200")).toEqual({ node: "server" });
    expect(sockets.map((s) => `${s.node} ${s.user} ${s.remote}`)).toEqual([
      "client alice 192.168.10.200:22",
      "relay alice 192.168.20.200:22",
    ]);
    // RFC 4253 §4.2 identification strings: the moved (Debian) server's first, then the
    // (FreeBSD 8.0) client's; each crosses both connections. Then the server names itself.
    const server = "SSH-2.0-OpenSSH_5.5p1 Debian-6\r\n";
    const client = "SSH-2.0-OpenSSH_5.2p1 FreeBSD-20090522\r\n";
    expect(wire.filter((p) => p === server)).toHaveLength(4); // relay→router, router→client
    expect(wire.filter((p) => p === client)).toHaveLength(4);
    expect(wire.indexOf(server)).toBeLessThan(wire.indexOf(client));
    expect(wire).toContain("server\n");
  });

  it("prints FreeBSD ssh's messages when nothing answers on port 22 or nothing is there", async () => {
    // The REDIRECT without xinetd: port 50022 on relay answers with a reset.
    const half = await relayLab(RELAY_COMMANDS.slice(0, 2));
    expect(await ssh(half, "client", "192.168.10.200")).toEqual({
      error: "ssh: connect to host 192.168.10.200 port 22: Connection refused",
    });
    // Before the alias: nobody has the old address.
    const none = await relayLab([]);
    expect(await ssh(none, "client", "192.168.10.200")).toEqual({
      error: "ssh: connect to host 192.168.10.200 port 22: Operation timed out",
    });
    expect(await ssh(none, "client", "nowhere")).toEqual({
      error: "ssh: Could not resolve hostname nowhere: hostname nor servname provided, or not known",
    });
    // A node's own name goes to its first address; every node runs sshd.
    expect(await ssh(none, "client", "relay")).toEqual({ node: "relay" });
  });

  it("is journaled on the rewindable lab (routelab up): a rewind replays the connection, exit closes it", async () => {
    const lab = new RewindableLab(loadTopologyText(RELAY, "relay.yaml"));
    await lab.advance(2 * SECOND);
    for (const line of RELAY_COMMANDS) {
      const x = lab.exec("relay", line);
      await lab.advanceUntil(() => x.exitCode !== undefined, 10 * SECOND);
    }
    const opened: string[] = [];
    lab.onEvent((e: LabEvent) => {
      if (e.kind === "socket" && e.node === "client") opened.push(`${e.t} ${e.state}`);
    });
    let landed: unknown;
    const hop = lab.ssh("client", "192.168.10.200", { user: "alice" });
    void hop.landed.then((r) => (landed = r));
    await lab.advanceUntil(() => landed !== undefined, 10 * SECOND);
    await Promise.resolve();
    expect(landed).toEqual({ node: "server" });
    const at = lab.clock().now;
    hop.close();
    await lab.advance(SECOND);
    expect(
      lab
        .journal()
        .past.map((j) => j.text)
        .slice(-2),
    ).toEqual(["alice@client: ssh 192.168.10.200", expect.stringMatching(/^exit \(ssh \d+\)$/)]);
    const first = [...opened];
    expect(first.some((x) => x.endsWith("FIN_WAIT_1"))).toBe(true);
    // Rewound before the hop and run again: the same connection, at the same moments.
    const replayed: string[] = [];
    lab.rewindTo(at - 500_000_000, {
      events: (e) => {
        if (e.kind === "socket" && e.node === "client") replayed.push(`${e.t} ${e.state}`);
      },
    });
    opened.length = 0;
    await lab.advance(2 * SECOND);
    expect([...replayed, ...opened]).toEqual(first);
    await lab.close();
  });
});
