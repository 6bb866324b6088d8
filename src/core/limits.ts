/**
 * @module core/limits
 * Every limit a person's input meets, in one place, so a value means the same in a topology
 * file, a scenario, a lesson, the shell and the API (issue 17: a topology took
 * `delay: 99999999999999999999999h` the API refused; the shell's `clock speed` allowed 1000
 * where the API allowed 100). Each place that reads such a value checks it with these numbers
 * and says the limit in its refusal. docs/security.md lists them.
 */
import { HOUR, MINUTE, type Nanos, SECOND } from "./time.js";

/**
 * The longest span of virtual time one request may run: a scenario's `wait` (and `wait
 * converged`'s `max`), an instructor's clock step. Virtual time is cheap but not free (`wait
 * 100h` is seconds of CPU on the seed lab, hours on a large one): a day covers any class.
 */
export const MAX_DURATION: Nanos = 24 * HOUR;

/** A link's one-way delay, at most a minute (a satellite hop is 0.3 s; netem takes far less than this). */
export const MAX_LINK_DELAY: Nanos = MINUTE;

/** The clock's speed factor (the API, the shell's `clock speed`, the page's slider). */
export const MIN_SPEED = 0.05;
export const MAX_SPEED = 100;

/** A link's queue, packets. */
export const MAX_QUEUE = 1_000_000;

/**
 * Size of a lab: nodes, links and bytes of the topology file. The largest edge list the seed's
 * gen-topology.py numbering allows (65,536 links, 65,537 routers in a chain) loads; a million
 * nodes does not (V8 ran out of heap after 173 s). 10,000 routers is what the benchmark runs
 * (docs/performance.md): a lab between the two loads, and its routing may be slow. The byte limit
 * bounds the parse before anything is counted (the 65,536-link list is 1.6 MB).
 */
export const MAX_NODES = 70_000;
export const MAX_LINKS = 140_000;
export const MAX_TOPOLOGY_BYTES = 8 * 1024 * 1024;

/** A file a topology brings in (a containerlab node's bound frr.conf), bytes. */
export const MAX_INCLUDED_FILE_BYTES = 1024 * 1024;

/**
 * Longest command line a person may send, characters: the API's `command`, an SSH exec
 * request, a line of the interactive shell.
 */
export const MAX_COMMAND_LINE = 4096;

/**
 * The rewind journal (engines/sim/rewind.ts) keeps every input of a lesson. It is bounded in
 * entries and in bytes of command text (a full journal refuses new inputs with a message), and
 * each person may add only `JOURNAL_RATE` entries a second on average, in bursts of at most
 * `JOURNAL_BURST` (the room's fair share: one student made 35,000 entries in 48 s).
 */
export const JOURNAL_MAX_ENTRIES = 100_000;
export const JOURNAL_MAX_BYTES = 16 * 1024 * 1024;
export const JOURNAL_RATE = 2;
export const JOURNAL_BURST = 30;
/** Entries one `GET /api/lesson/journal` answers at most (the page asks again with `since=`). */
export const JOURNAL_PAGE = 5_000;

/** `ns` as the shortest exact text a person would write (`24h`, `1m`, `90s`). */
export function limitText(ns: Nanos): string {
  if (ns % HOUR === 0) return `${ns / HOUR}h`;
  if (ns % MINUTE === 0) return `${ns / MINUTE}m`;
  return `${ns / SECOND}s`;
}

/**
 * Stations on one Ethernet segment: a Linux bridge takes at most 1,024 ports (BR_MAX_PORTS,
 * net/bridge/br_private.h: 1 << BR_PORT_BITS, 10), and the netns engine builds a segment as one.
 */
export const MAX_SEGMENT_PORTS = 1024;

/**
 * A node's small file system (`files:` in a topology, `echo … > FILE` in the shell): at most
 * this many files, each at most `MAX_NODE_FILE_BYTES`, all together at most `MAX_NODE_FS_BYTES`
 * (characters), and paths at most `MAX_NODE_PATH` characters. A student writing in a loop meets
 * `No space left on device`, not the server's memory.
 */
export const MAX_NODE_FILES = 256;
export const MAX_NODE_FILE_BYTES = 64 * 1024;
export const MAX_NODE_FS_BYTES = 1024 * 1024;
export const MAX_NODE_PATH = 1024;
