/**
 * @module topology/segment-ports
 * A segment seen as cables: each station's interface is cabled to a port of the segment's
 * switch. Both engines build a segment this way (the simulator's learning switch, netns's Linux
 * bridge in a namespace of its own), so the port links have one name everywhere: `STATION-SEGMENT`
 * (`r1-lan1`, what `link down r1 lan1` takes down and what a capture file is named after), the
 * switch's end `port<k>` (k the station's place in the segment's endpoint list) without an address.
 */
import type { TopoLink, TopoSegment, Topology } from "./model.js";

/** The switch-side interface name of the `k`th station of a segment. */
export function segmentPortName(k: number): string {
  return `port${k}`;
}

/** The port links of one segment, in endpoint order. */
export function segmentPorts(s: TopoSegment): TopoLink[] {
  return s.ends.map((e, k) => ({
    id: `${e.node}-${s.id}`,
    a: e,
    b: { node: s.id, iface: segmentPortName(k), addr: 0 },
    subnet: s.subnet,
    len: s.len,
    delay: s.delay,
    bandwidth: s.bandwidth,
    loss: s.loss,
    queue: s.queue,
  }));
}

/** Every port link of a topology's segments (none without segments). */
export function allSegmentPorts(topo: Topology): TopoLink[] {
  return (topo.segments ?? []).flatMap(segmentPorts);
}

/** The segment called `name`, if any. */
export function segmentNamed(topo: Topology, name: string): TopoSegment | undefined {
  return topo.segments?.find((s) => s.id === name);
}
