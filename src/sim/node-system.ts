/**
 * @module sim/node-system
 * What a simulated node has besides its network stack: the OS it answers as (`os:` in the
 * topology), its small file system (`files:`, `echo … > FILE`), the address aliases a command
 * added (Linux `ifconfig eth0:1 ADDR netmask M`, `ip addr add`), and its nat table.
 *
 * Files live on disk: they survive a crash and reboot. Aliases and the nat table are the
 * running kernel's: a crash forgets them (SimNode.crash), as a reboot forgets an `ifconfig`
 * typed at the prompt.
 */
import type { Ipv4 } from "../core/ip.js";
import { maskOf } from "../core/ip.js";
import { MAX_NODE_FILE_BYTES, MAX_NODE_FILES, MAX_NODE_FS_BYTES } from "../core/limits.js";
import type { NodeOs } from "../topology/model.js";
import { checkNodePath } from "../topology/node-files.js";
import { LINUX_DEFAULT_FILES } from "./linux-files.js";
import { Netfilter } from "./netfilter.js";
import type { SimNode } from "./node.js";

/** A second (third, …) address of an interface. */
export interface NodeAlias {
  /** Interface index. */
  readonly iface: number;
  readonly addr: Ipv4;
  readonly len: number;
  /** Linux's label (`eth0:1`), which `ifconfig` lists as an interface of its own. */
  readonly label: string;
  /** Its broadcast address, when it has one (`ip addr add … brd +`, or what ifconfig set). */
  readonly brd?: Ipv4;
}

/** errno names a write can fail with, as the shell prints them. */
export type FileError = "ENOENT" | "EISDIR" | "ENOSPC" | "EFBIG" | "EINVAL" | "ENAMETOOLONG";

/**
 * A node's files: absolute path → text, bounded in count and size (core/limits.ts). Directories
 * are implied by the paths under them, as in a tar listing.
 */
export class NodeFiles {
  private readonly files = new Map<string, string>();
  private total = 0;

  constructor(initial: Record<string, string> = {}) {
    for (const [p, c] of Object.entries(initial)) this.write(p, c, false);
  }

  read(path: string): string | undefined {
    return this.files.get(path);
  }

  /** Whether `path` is a directory: some file lies under it (`/` always is). */
  isDir(path: string): boolean {
    if (path === "/") return true;
    const prefix = `${path.replace(/\/+$/, "")}/`;
    for (const p of this.files.keys()) if (p.startsWith(prefix)) return true;
    return false;
  }

  /** The names directly under directory `dir`, sorted as ls(1) sorts in the C locale. */
  list(dir: string): string[] {
    const prefix = dir === "/" ? "/" : `${dir.replace(/\/+$/, "")}/`;
    const names = new Set<string>();
    for (const p of this.files.keys())
      if (p.startsWith(prefix)) names.add(p.slice(prefix.length).split("/")[0]!);
    return [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /** Writes (or appends to) a file; an errno name when it cannot. */
  write(path: string, content: string, append: boolean): FileError | undefined {
    const bad = checkNodePath(path);
    if (bad !== undefined) return path.length > 1024 ? "ENAMETOOLONG" : "EINVAL";
    if (this.isDir(path)) return "EISDIR";
    const old = this.files.get(path);
    const next = append && old !== undefined ? old + content : content;
    if (next.length > MAX_NODE_FILE_BYTES) return "EFBIG";
    const grow = next.length - (old?.length ?? 0);
    if (this.total + grow > MAX_NODE_FS_BYTES) return "ENOSPC";
    if (old === undefined && this.files.size >= MAX_NODE_FILES) return "ENOSPC";
    this.files.set(path, next);
    this.total += grow;
    return undefined;
  }
}

/** The OS and files of a node. */
export class NodeSystem {
  readonly files: NodeFiles;
  constructor(
    readonly os: NodeOs,
    files: Record<string, string> = {},
  ) {
    this.files = new NodeFiles(os === "linux" ? { ...LINUX_DEFAULT_FILES, ...files } : files);
  }
}

/** The node's nat table, made when `iptables -t nat` is first used (the kernel loads nf_nat then). */
export function netfilterOf(node: SimNode): Netfilter {
  node.netfilter ??= new Netfilter(() => node.now());
  return node.netfilter;
}

/**
 * Adds an address to interface `iface` (Linux inet_insert_ifa): a local address at once, a
 * connected route for its subnet when no address of the interface already covers it (a /32
 * has none). undefined, or the errno name: EEXIST when the address is already the node's.
 */
export function addAlias(node: SimNode, a: NodeAlias, reason: string): string | undefined {
  if (node.isLocal(a.addr) && a.addr >>> 24 !== 127) return "EEXIST";
  const i = node.ifaces[a.iface];
  if (i === undefined || !i.isLink) return "ENODEV";
  node.aliases.push(a);
  const net = (a.addr & maskOf(a.len)) >>> 0;
  if (a.len < 32 && !subnetCovered(node, a.iface, net, a.len, a))
    node.setRoute("connected", { dest: net, len: a.len, gateway: 0, iface: a.iface, metric: 0 }, reason);
  return undefined;
}

/** Removes the alias labelled `label` (or holding `addr`), with the connected route only it gave. */
export function removeAlias(
  node: SimNode,
  match: { label?: string; addr?: Ipv4 },
  reason: string,
): NodeAlias | undefined {
  const k = node.aliases.findIndex(
    (x) =>
      (match.label === undefined || x.label === match.label) &&
      (match.addr === undefined || x.addr === match.addr),
  );
  if (k < 0) return undefined;
  const [a] = node.aliases.splice(k, 1);
  const net = (a!.addr & maskOf(a!.len)) >>> 0;
  if (a!.len < 32 && !subnetCovered(node, a!.iface, net, a!.len, undefined))
    node.deleteRoute("connected", net, a!.len, reason);
  return a;
}

function subnetCovered(node: SimNode, iface: number, net: number, len: number, except?: NodeAlias): boolean {
  const i = node.ifaces[iface]!;
  if (i.net === net && i.len === len) return true;
  return node.aliases.some(
    (x) => x !== except && x.iface === iface && x.len === len && (x.addr & maskOf(len)) >>> 0 === net,
  );
}
