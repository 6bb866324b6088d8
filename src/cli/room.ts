/**
 * @module cli/room
 * Where the room reaches a lab `up` serves. Listening on every interface (`--lan`, i.e.
 * `--host 0.0.0.0`) the banner names the machine's own network addresses, one URL and one
 * `ssh` line each, as Vite's "Network:" lines do (from os.networkInterfaces): `0.0.0.0` or
 * `localhost` would reach nobody's lab but the instructor's.
 */
import { type NetworkInterfaceInfo, networkInterfaces } from "node:os";

export interface RoomHosts {
  /** Addresses others on the network use (empty: the lab listens on loopback only). */
  room: string[];
  /** The address for this machine itself, when it differs from the room's. */
  local?: string;
}

const WILDCARDS = new Set(["0.0.0.0", "::", "0:0:0:0:0:0:0:0"]);

function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127\./.test(host);
}

/** The addresses a server listening on `host` is reachable at. */
export function roomHosts(
  host: string,
  interfaces: NodeJS.Dict<NetworkInterfaceInfo[]> = networkInterfaces(),
): RoomHosts {
  if (isLoopback(host)) return { room: [] };
  if (!WILDCARDS.has(host)) return { room: [host] };
  const v6 = host !== "0.0.0.0"; // `::` takes IPv4 too (dual stack)
  const room: string[] = [];
  for (const list of Object.values(interfaces))
    for (const a of list ?? []) {
      if (a.internal) continue;
      if (a.family === "IPv4") room.push(a.address);
      // Link-local IPv6 addresses need a zone (%eth0) that differs on every student's machine.
      else if (v6 && !/^fe[89ab]/i.test(a.address)) room.push(a.address);
    }
  // IPv4 first: what people type.
  room.sort((x, y) => Number(x.includes(":")) - Number(y.includes(":")));
  return { room: [...new Set(room)], local: "127.0.0.1" };
}

/** `http://ADDR:PORT/`, with an IPv6 address in brackets. */
export function httpUrl(host: string, port: number): string {
  return `http://${host.includes(":") ? `[${host}]` : host}:${port}/`;
}

/** The banner's lines about the page: one URL, or the room's and this machine's. */
export function pageBanner(listen: string, port: number, hosts: RoomHosts): string {
  if (hosts.room.length === 0 && !hosts.local) return `  live picture and API: ${httpUrl(listen, port)}\n`;
  let s = "  live picture and API, for the room:\n";
  for (const h of hosts.room) s += `    ${httpUrl(h, port)}\n`;
  if (hosts.room.length === 0)
    s += "    (none: this machine has no network address besides loopback; is it connected?)\n";
  if (hosts.local) s += `    on this machine: ${httpUrl(hosts.local, port)}\n`;
  return s;
}
