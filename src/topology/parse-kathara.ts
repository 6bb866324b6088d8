/**
 * @module topology/parse-kathara
 * Kathará lab directories (issue 24): `lab.conf`, each device's `NODE.startup`, and its FRR
 * files under `NODE/etc/frr/`. The grammar is Kathará's own (KatharaFramework/Kathara at
 * f7ae3fa, src/Kathara/parser/netkit/LabParser.py 43-47, and docs/kathara-lab.conf.5.ronn):
 * each line, stripped, is a comment (`#`), blank, `LAB_NAME=` and the other `LAB_*` words, or
 *
 *     device[arg]=value   device [a-z0-9_]{1,30}, arg \w+, value quoted or not, `# comment` after
 *
 * where a number `arg` puts the device's `eth<arg>` on collision domain `value` (`CD` or
 * `CD/MAC`, CD `\w+`), and any other `arg` is an option (`image`, `mem`, `exec`, …; `sysctl` with
 * `net.ipv4.ip_forward=0` makes the device a host, `kind: host`, as routelab exports hosts). Any other
 * line is an error, as Kathará refuses it; `shared` and `_test` are reserved device names.
 *
 * - A collision domain with two interfaces becomes a link, `eth<arg>` on both ends, in the
 *   order the domains first appear; one with more becomes an Ethernet segment named after the
 *   domain. One with a single interface (a stub network) is left out with a note naming
 *   lab.conf's line.
 * - Addresses, static routes and link shaping come from `NODE.startup`
 *   (topology/parse-kathara-startup.ts), then from `NODE/etc/frr/frr.conf` interface stanzas.
 * - Routing (topology/parse-kathara-frr.ts): a device with `NODE/etc/frr/frr.conf`, per-daemon
 *   FRR files or Quagga's `NODE/etc/quagga/` runs what they configure (topology/parse-frr:
 *   a simulated protocol's `router …` block → that protocol with its settings, read by its
 *   spec; static `ip route` lines; the protocols not simulated → a note, and the default
 *   protocol, as the containerlab import does), unless the `daemons` file leaves the protocol's
 *   daemon off; a device without them routes statically with its startup routes.
 * - frr.conf's `hostname` names the node when it differs (how routelab's own export keeps names
 *   Kathará cannot carry: topology/draft nameAfterHostnames).
 * Whatever is not understood is a note with its file and line, never dropped silently.
 * Reads files through `opts.readFile` (paths relative to lab.conf); no `node:` here.
 */
import type { SourcePos } from "../core/errors.js";
import { formatIpv4, formatPrefix, maskOf, prefixContains } from "../core/ip.js";
import { Diagnostics } from "./diag.js";
import {
  baseName,
  type DraftEnd,
  type DraftLink,
  type DraftNode,
  nameAfterHostnames,
  newDraft,
} from "./draft.js";
import type { Topology } from "./model.js";
import { readDeviceRouting } from "./parse-kathara-frr.js";
import { defaultRoutingLabel } from "./protocols/index.js";
import { parseStartup, type Startup, type StartupShape } from "./parse-kathara-startup.js";
import { resolveDraft } from "./resolve.js";
import { checkLabName, NODE_NAME } from "./values.js";

export interface KatharaOptions {
  /** Reads a file named relative to lab.conf; undefined when it does not exist. */
  readFile?: (relPath: string) => string | undefined;
}

/** LabParser.py 44-45: the one line form Kathará reads, on the stripped line. */
const LINE = /^([a-z0-9_]{1,30})\[(\w+)\]=(["']?)([^"']+)\3(\s+#.*)?$/;
/** Kathará's RESERVED_MACHINE_NAMES (src/Kathara/utils.py 38). */
const RESERVED = new Set(["shared", "_test"]);

interface Member {
  node: string;
  eth: number;
  at: SourcePos;
}

interface Device {
  node: DraftNode;
  ifaces: Map<number, SourcePos>;
  image?: string;
  /** `DEVICE[sysctl]="net.ipv4.ip_forward=0"`: a host (how routelab exports its hosts). */
  forwardingOff?: boolean;
  options: string[];
}

/** Parses a lab.conf's text; `fileName` (its path) names it in messages and locates the other files. */
export function parseKathara(text: string, fileName: string, opts: KatharaOptions = {}): Topology {
  const diag = new Diagnostics(fileName);
  const dir = fileName.replace(/[^/\\]*$/, "");
  const draft = newDraft(fileName);
  draft.name = baseName(dir.replace(/[/\\]+$/, ""));
  const devices = new Map<string, Device>();
  const domains = new Map<string, Member[]>();
  let macs = 0;

  text.split(/\r?\n/).forEach((raw, i) => {
    const t = raw.trim();
    const line = i + 1;
    const at: SourcePos = { line, col: raw.length - raw.trimStart().length + 1 };
    if (t === "" || t.startsWith("#")) return;
    const meta = /^LAB_([A-Z_]+)=(.*)$/.exec(t);
    if (meta) {
      if (meta[1] === "NAME") {
        const c = checkLabName(meta[2]!.replace(/["']/g, "").trim());
        if (c.ok) draft.name = c.value;
        else diag.error(c.error, at);
      }
      return;
    }
    const m = LINE.exec(t);
    if (!m) {
      diag.error(`not a Kathará line: write device[N]="domain" or device[option]="value"`, at);
      return;
    }
    const [, key, arg, , value] = m as unknown as [string, string, string, string, string];
    if (RESERVED.has(key)) {
      diag.error(`'${key}' is a name Kathará reserves: it cannot be a device`, at);
      return;
    }
    let dev = devices.get(key);
    if (!dev) {
      dev = { node: { name: key, at, statics: [], notes: [] }, ifaces: new Map(), options: [] };
      devices.set(key, dev);
      draft.nodes.push(dev.node);
    }
    if (/^\d+$/.test(arg)) {
      const eth = Number(arg);
      const parts = value.split("/").filter(Boolean);
      const cd = parts[0] ?? "";
      if (parts.length > 2 || (value.includes("/") && parts.length !== 2)) {
        diag.error(`'${value}': write the collision domain, or DOMAIN/MAC`, at);
        return;
      }
      if (!/^\w+$/.test(cd)) {
        diag.error(`collision domain '${cd}' must be letters, digits and '_'`, at);
        return;
      }
      if (parts.length === 2) macs++;
      const prev = dev.ifaces.get(eth);
      if (prev) {
        diag.error(`eth${eth} of ${key} is given twice (also at line ${prev.line})`, at);
        return;
      }
      dev.ifaces.set(eth, at);
      const list = domains.get(cd) ?? [];
      list.push({ node: key, eth, at });
      domains.set(cd, list);
    } else if (arg === "image") dev.image = value;
    else if (arg === "sysctl" && /^net\.ipv4\.(ip_forward|conf\.all\.forwarding)=0$/.test(value.trim())) {
      dev.forwardingOff = true;
      dev.node.kind = "host";
      dev.node.kindAt = at;
    } else dev.options.push(`${line}: ${arg}=${value}`);
  });

  const shared = opts.readFile?.("shared.startup");
  if (shared?.split(/\r?\n/).some((l) => l.trim() && !l.trim().startsWith("#")))
    draft.notes.push(
      `${dir}shared.startup not read: the commands Kathará runs on every device are not simulated`,
    );
  if (macs) draft.notes.push(`${fileName}: MAC addresses given to ${macs} interfaces are not simulated`);
  const startups = new Map<string, Startup>();
  const hostnames = new Map<string, string>();
  for (const [name, dev] of devices) {
    const st = readDevice(name, dev, dir, opts, diag, hostnames);
    startups.set(name, st);
  }
  readDomains(draft, domains, startups, fileName);
  nameAfterHostnames(draft, hostnames, NODE_NAME);
  return resolveDraft(draft, diag);
}

/** Notes of a device's lab.conf options and interface numbering; reads its startup and FRR files. */
function readDevice(
  name: string,
  dev: Device,
  dir: string,
  opts: KatharaOptions,
  diag: Diagnostics,
  hostnames: Map<string, string>,
): Startup {
  const notes = dev.node.notes!;
  const what = dev.forwardingOff ? "a host (sysctl net.ipv4.ip_forward=0)" : "a router";
  if (dev.image) notes.push(`Kathará image '${dev.image}' ignored: node simulated as ${what}`);
  if (dev.options.length) notes.push(`lab.conf options not simulated: ${dev.options.join("; ")}`);
  const nums = [...dev.ifaces.keys()].sort((a, b) => a - b);
  if (nums.some((n, k) => n !== k))
    notes.push(
      `interfaces ${nums.map((n) => `eth${n}`).join(", ")} are not numbered from eth0 without gaps, which Kathará refuses`,
    );

  const file = `${name}.startup`;
  const text = opts.readFile?.(file);
  const st: Startup =
    text === undefined
      ? { addrs: new Map(), statics: [], shapes: new Map(), startsFrr: false, unread: [] }
      : parseStartup(text, `${dir}${file}`, diag);
  if (st.unread.length) notes.push(`${file} lines not simulated: ${listed(st.unread)}`);

  const routing = readDeviceRouting(name, dev.node, dir, (rel) => opts.readFile?.(rel), diag);
  if (routing.hostname) hostnames.set(name, routing.hostname);
  for (const [iface, a] of routing.addrs) if (!st.addrs.has(iface)) st.addrs.set(iface, a);
  dev.node.statics.push(...st.statics);
  if (st.statics.length && !routing.configured && !dev.forwardingOff)
    notes.push(`routes from ${file}: node runs no ${defaultRoutingLabel()} (routing: static)`);
  return st;
}

/** Links from two-interface collision domains, segments from larger ones; notes for stubs and unused addresses. */
function readDomains(
  draft: ReturnType<typeof newDraft>,
  domains: Map<string, Member[]>,
  startups: Map<string, Startup>,
  file: string,
): void {
  const onLink = new Set<string>();
  const devices = new Set(draft.nodes.map((n) => n.name));
  let index = 0;
  for (const [cd, members] of domains) {
    const where = `${file}:${members[0]!.at.line}`;
    const list = members.map((m) => `${m.node}:eth${m.eth}`).join(", ");
    if (members.length === 1) {
      draft.notes.push(
        `${where}: collision domain ${cd} has only ${list}: no link (a network with no second router)`,
      );
      continue;
    }
    const ends = members.map((m) => end(m, startups.get(m.node)!));
    for (const m of members) onLink.add(`${m.node}:eth${m.eth}`);
    const link: DraftLink = { index: index++, at: members[0]!.at, a: ends[0]!, b: ends[1]!, props: {} };
    // More than two interfaces: an Ethernet segment, named after its domain when that is a
    // valid name no device has (else lan<n>).
    if (members.length > 2) {
      link.more = ends.slice(2);
      if (NODE_NAME.test(cd) && !devices.has(cd)) link.segment = cd;
    }
    shapeLink(link, members, startups, draft.notes);
    draft.links.push(link);
  }
  for (const n of draft.nodes)
    for (const [iface, a] of startups.get(n.name)?.addrs ?? [])
      if (!onLink.has(`${n.name}:${iface}`))
        n.notes!.push(
          `address ${formatIpv4(a.addr)}${a.len === undefined ? "" : `/${a.len}`} on ${iface} not used: ${iface} is on no link`,
        );
  for (const n of draft.nodes) dropRoutesOffLinks(n, startups.get(n.name)!, onLink);
}

/**
 * Static routes through a network that was left out (a stub or a segment): their gateway lies on
 * a subnet of one of the node's interfaces that is on no link. They could not work in the
 * simulation, so they go, each with a note, instead of failing the whole lab.
 */
function dropRoutesOffLinks(n: DraftNode, st: Startup, onLink: Set<string>): void {
  const subnets = (on: boolean) =>
    [...st.addrs]
      .filter(([iface, a]) => a.len !== undefined && onLink.has(`${n.name}:${iface}`) === on)
      .map(([iface, a]) => ({ iface, prefix: { addr: (a.addr & maskOf(a.len!)) >>> 0, len: a.len! } }));
  const kept = subnets(true);
  const dropped = subnets(false);
  n.statics = n.statics.filter((r) => {
    if (kept.some((k) => prefixContains(k.prefix, r.gateway))) return true;
    const off = dropped.find((d) => prefixContains(d.prefix, r.gateway));
    if (!off) return true; // resolve.ts judges it
    const where = r.at.file ? `${r.at.file.replace(/^.*[/\\]/, "")}:${r.at.line}: ` : "";
    n.notes!.push(
      `${where}route ${formatPrefix(r.dest)} via ${formatIpv4(r.gateway)} not simulated: ${off.iface}, its way out, is on no link`,
    );
    return false;
  });
}

function end(m: Member, st: Startup): DraftEnd {
  const iface = `eth${m.eth}`;
  const e: DraftEnd = { node: m.node, at: m.at, iface, ifaceAt: m.at };
  const a = st.addrs.get(iface);
  if (a) {
    e.addr = a.addr;
    e.addrAt = a.at;
    if (a.len !== undefined) e.addrLen = a.len;
  }
  return e;
}

/** A link's delay, loss and rate from the netem lines of its ends (the first end's when they differ). */
function shapeLink(
  link: DraftLink,
  members: Member[],
  startups: Map<string, Startup>,
  notes: string[],
): void {
  const shapes = members
    .map((m) => startups.get(m.node)!.shapes.get(`eth${m.eth}`))
    .filter((s): s is StartupShape => s !== undefined);
  const first = shapes[0];
  if (!first) return;
  if (first.delay !== undefined) link.props.delay = first.delay;
  if (first.loss !== undefined) link.props.loss = first.loss;
  if (first.bandwidth !== undefined) link.props.bandwidth = first.bandwidth;
  const second = shapes[1];
  const same =
    shapes.length === 1 ||
    (second?.delay === first.delay && second?.loss === first.loss && second?.bandwidth === first.bandwidth);
  if (!same || shapes.length === 1)
    notes.push(
      `${first.at.file}:${first.at.line}: link ${members.map((m) => `${m.node}:eth${m.eth}`).join(" — ")} shaped ${shapes.length === 1 ? "on one end only" : "differently on its two ends"}: the simulator shapes both directions alike`,
    );
}

/** Up to six `LINE: text` entries, then a count. */
function listed(items: string[]): string {
  return `${items.slice(0, 6).join("; ")}${items.length > 6 ? `; … (${items.length})` : ""}`;
}
