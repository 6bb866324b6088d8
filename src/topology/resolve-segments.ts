/**
 * @module topology/resolve-segments
 * The parts of resolve.ts particular to Ethernet segments (links with three or more endpoints,
 * or named with `segment:`): their names and their addresses.
 */
import type { SourcePos } from "../core/errors.js";
import { formatIpv4, formatPrefix, type Ipv4, type Prefix, prefixContains } from "../core/ip.js";
import { formatMac, interfaceMac } from "../core/mac.js";
import type { Diagnostics } from "./diag.js";
import { type Draft, type DraftEnd, type DraftLink, isSegment, linkEnds } from "./draft.js";
import { checkNodeName } from "./values.js";

/**
 * Names every segment: its `segment:` name, else `lan<n>` (n counting segments in file order,
 * the first free one: a node or a named segment may hold `lan2`). A name is a node name (it
 * becomes the switch's namespace and a shell word) no node and no other segment has.
 */
export function nameSegments(
  d: Draft,
  nodes: ReadonlyMap<string, SourcePos>,
  diag: Diagnostics,
): Map<DraftLink, string> {
  const names = new Map<DraftLink, string>();
  const taken = new Map<string, SourcePos>();
  const segs = d.links.filter(isSegment);
  for (const l of segs) {
    if (l.segment === undefined) continue;
    const at = l.segmentAt ?? l.at;
    const ok = checkNodeName(l.segment);
    if (!ok.ok) diag.error(ok.error.replace("node name", "segment name"), at);
    else if (nodes.has(l.segment)) diag.error(`segment name '${l.segment}' is also a node's name`, at);
    else if (taken.has(l.segment))
      diag.error(`duplicate segment name '${l.segment}' (first at line ${taken.get(l.segment)!.line})`, at);
    taken.set(l.segment, at);
    names.set(l, l.segment);
  }
  let n = 0;
  for (const l of segs) {
    if (l.segment !== undefined) continue;
    let name: string;
    do name = `lan${++n}`;
    while (nodes.has(name) || taken.has(name));
    taken.set(name, l.at);
    names.set(l, name);
  }
  return names;
}

/** Whether an end's written address (if any) is a host address of the subnet; reports why not. */
export function endAddressOk(e: DraftEnd, subnet: Prefix, diag: Diagnostics): boolean {
  if (e.addr === undefined) return true;
  const p2p = subnet.len === 31;
  const bcast = subnet.addr + 2 ** (32 - subnet.len) - 1;
  const at = e.addrAt ?? e.at;
  const t = formatIpv4(e.addr);
  const s = formatPrefix(subnet);
  if (!prefixContains(subnet, e.addr)) diag.error(`address ${t} is outside the link's subnet ${s}`, at);
  else if (!p2p && e.addr === subnet.addr)
    diag.error(`address ${t} is the network address of ${s}, not a host address`, at);
  else if (!p2p && e.addr === bcast)
    diag.error(`address ${t} is the broadcast address of ${s}, not a host address`, at);
  else return true;
  return false;
}

/**
 * A segment's addresses, one per end: the written ones (checked, each used once), the others
 * the lowest free host addresses in endpoint order. The subnet was checked to have room.
 */
export function segmentAddresses(link: DraftLink, subnet: Prefix, diag: Diagnostics): Ipv4[] | undefined {
  const ends = linkEnds(link);
  let ok = true;
  const used = new Map<Ipv4, DraftEnd>();
  for (const e of ends) {
    if (!endAddressOk(e, subnet, diag)) ok = false;
    else if (e.addr !== undefined) {
      if (used.has(e.addr)) {
        diag.error(
          `address ${formatIpv4(e.addr)} is given to ${used.get(e.addr)!.node} too`,
          e.addrAt ?? e.at,
        );
        ok = false;
      }
      used.set(e.addr, e);
    }
  }
  if (!ok) return undefined;
  let next = subnet.len === 31 ? subnet.addr : subnet.addr + 1;
  return ends.map((e) => {
    if (e.addr !== undefined) return e.addr;
    while (used.has(next)) next++;
    used.set(next, e);
    return next;
  });
}

/**
 * Two stations of one segment must not share a MAC: the switch would send one's frames to the
 * other. MACs come from node and interface names (core/mac.ts, two hash bytes for an `epair`
 * name), so two of a segment's stations collide about once in 2^17 pairs; the fault names both
 * ends and the way out.
 */
export function checkSegmentMacs(link: DraftLink, ifNames: readonly string[], diag: Diagnostics): boolean {
  const seen = new Map<string, string>();
  let ok = true;
  linkEnds(link).forEach((e, k) => {
    const mac = formatMac(interfaceMac(e.node, ifNames[k]!));
    const first = seen.get(mac);
    if (first !== undefined) {
      diag.error(
        `${e.node}:${ifNames[k]} would have the MAC of ${first} (${mac}) on one segment: name either interface otherwise`,
        e.ifaceAt ?? e.at,
      );
      ok = false;
    }
    seen.set(mac, `${e.node}:${ifNames[k]}`);
  });
  return ok;
}
