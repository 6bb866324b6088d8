/**
 * @module engines/netns/node-files
 * A node's `files:` on the netns engine. The shell's cat, ls and `echo … > FILE` read and write
 * the simulator's NodeFiles (sim/node-system.ts: the same bounds, errors and Linux defaults), and
 * every file under /etc whose top entry the host has (/etc/services, /etc/xinetd.d/…) is mirrored
 * into /etc/netns/NS, which `ip netns exec` bind-mounts over /etc/ENTRY for each entry there
 * (iproute2 ip/ipnetns.c bind_etc) — so the real xinetd in the namespace reads the lab's files and
 * the host's own /etc is never written. A path whose top entry the host lacks stays in memory only:
 * bind_etc would fail on it ("Bind … failed") before every command. The directory is made at boot
 * (boot.ts createNamespaces) and removed with the namespace (state.ts removeNamespaces).
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { ShellFiles } from "../../shell/context.js";
import { type FileError, NodeSystem } from "../../sim/node-system.js";
import type { Topology } from "../../topology/model.js";

/** The /etc/netns directory of a namespace (names are checked by plan.ts). */
export function netnsEtcDir(netns: string): string {
  if (!/^[A-Za-z0-9_-]+$/.test(netns)) throw new Error(`bad namespace name '${netns}'`);
  return join("/etc/netns", netns);
}

/** Where an /etc path of the node lives on the host, or undefined when it stays in memory. */
export function mirroredPath(etcDir: string, path: string, hostEtc = "/etc"): string | undefined {
  const m = /^\/etc\/([^/]+)(\/.*)?$/.exec(path);
  // hosts and resolv.conf are the engine's own (the lab's names, no resolver: boot.ts).
  if (m === null || [".", "..", "hosts", "resolv.conf"].includes(m[1]!)) return undefined;
  if (!existsSync(join(hostEtc, m[1]!))) return undefined;
  return join(etcDir, m[1]!, m[2] ?? "");
}

/** A node's files, with the /etc ones the namespace's programs see written through to /etc/netns/NS. */
export class NetnsFiles implements ShellFiles {
  private readonly system: NodeSystem;

  constructor(
    os: "freebsd" | "linux",
    initial: Record<string, string>,
    private readonly etcDir: string,
  ) {
    this.system = new NodeSystem(os, initial);
  }

  read(path: string): string | undefined {
    return this.system.files.read(path);
  }

  isDir(path: string): boolean {
    return this.system.files.isDir(path);
  }

  list(dir: string): string[] {
    return this.system.files.list(dir);
  }

  write(path: string, content: string, append: boolean): FileError | undefined {
    const e = this.system.files.write(path, content, append);
    if (e === undefined) this.mirror(path);
    return e;
  }

  /** Writes every mirrored file (at boot). */
  mirrorAll(): void {
    const walk = (dir: string): void => {
      for (const name of this.list(dir)) {
        const p = dir === "/" ? `/${name}` : `${dir}/${name}`;
        if (this.read(p) !== undefined) this.mirror(p);
        else walk(p);
      }
    };
    walk("/");
  }

  private mirror(path: string): void {
    const local = mirroredPath(this.etcDir, path);
    if (local === undefined) return;
    mkdirSync(dirname(local), { recursive: true });
    writeFileSync(local, this.read(path)!);
  }
}

/** Every node's files (as on the simulator, every node has some: cat, ls and `>` work everywhere). */
export function nodeFiles(topo: Topology, netnsOf: (node: string) => string): Map<string, NetnsFiles> {
  const out = new Map<string, NetnsFiles>();
  for (const n of topo.nodes)
    out.set(n.name, new NetnsFiles(n.os ?? "freebsd", n.files ?? {}, netnsEtcDir(netnsOf(n.name))));
  return out;
}
