/**
 * @module cli/capture
 * `routelab capture URL LINK [-c N] [--seconds S]`: a running lab's link, live, as pcapng on
 * standard output (`routelab capture http://127.0.0.1:8080 vm1-vm2 | tshark -i -`), from the
 * server's `GET /api/links/LINK/capture`. Writes at the pace the reader reads: a reader that
 * falls behind makes the server drop frames, and on exit this says how many, as tcpdump does
 * ("N packets captured, M packets dropped"). A login's token (or the instructor's) goes in
 * ROUTELAB_TOKEN when the lab has logins.
 *
 * `routelab dissect FILE [N]`: the frames of a capture (pcap or pcapng, Ethernet) as the page's
 * packet view and Wireshark's detail pane show them (wire/dissect.ts).
 */
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { Option } from "commander";
import { LabError } from "../core/errors.js";
import {
  dissectFrame,
  TcpSequenceBases,
  formatDissection,
  LINKTYPE_ETHERNET,
  parsePcap,
  pcapngFrames,
  pcapngScan,
  type PcapngTally,
  WireError,
} from "../wire/index.js";

export interface CaptureArgs {
  url: string;
  link: string;
  count?: number | undefined;
  seconds?: number | undefined;
  token?: string | undefined;
  /** Where the pcapng goes (process.stdout). */
  sink: NodeJS.WritableStream;
  err: (s: string) => void;
  /** Stops the capture (SIGINT). */
  stop: AbortSignal;
}

/** The capture's address on the server: `URL/api/links/LINK/capture?…`. */
export function captureUrl(base: string, link: string, count?: number, seconds?: number): string {
  let u: URL;
  try {
    u = new URL(`/api/links/${encodeURIComponent(link)}/capture`, base);
  } catch {
    throw new LabError(
      `'${base}' is not a lab's address (e.g. http://127.0.0.1:8080)`,
      { field: "url" },
      "usage",
    );
  }
  if (u.protocol !== "http:" && u.protocol !== "https:")
    throw new LabError(`'${base}': only http and https labs`, { field: "url" }, "usage");
  if (count !== undefined) u.searchParams.set("count", String(count));
  if (seconds !== undefined) u.searchParams.set("seconds", String(seconds));
  return u.href;
}

/** Runs a capture to its end (count, seconds, Ctrl-C, the server or the reader gone); returns the exit status. */
export async function runCapture(a: CaptureArgs): Promise<number> {
  const url = captureUrl(a.url, a.link, a.count, a.seconds);
  const ctl = new AbortController();
  a.stop.addEventListener("abort", () => ctl.abort(), { once: true });
  let res: Response;
  try {
    res = await fetch(url, {
      headers: a.token ? { authorization: `Bearer ${a.token}` } : {},
      signal: ctl.signal,
    });
  } catch (e) {
    if (ctl.signal.aborted) return 0;
    a.err(`routelab capture: ${url}: ${(e as Error).cause ?? (e as Error).message}\n`);
    return 1;
  }
  if (!res.ok) {
    const body = await res.text();
    let why = body;
    try {
      why = (JSON.parse(body) as { error: string }).error;
    } catch {}
    a.err(
      `routelab capture: ${res.status} ${why}${res.status === 401 ? " (a login's token goes in ROUTELAB_TOKEN)" : ""}\n`,
    );
    return 1;
  }
  const tally: PcapngTally = { packets: 0, dropped: 0 };
  let pending = new Uint8Array(0);
  let readerGone = false;
  a.sink.on("error", () => {
    readerGone = true;
    ctl.abort();
  });
  try {
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      // Counted as it passes: whole blocks only, the rest waits for the next chunk.
      const all = new Uint8Array(pending.length + chunk.length);
      all.set(pending);
      all.set(chunk, pending.length);
      const used = pcapngScan(all, tally);
      pending = used instanceof WireError ? new Uint8Array(0) : all.slice(used);
      if (!a.sink.write(chunk)) await new Promise((r) => a.sink.once("drain", r));
      if (readerGone) break;
    }
  } catch (e) {
    if (!ctl.signal.aborted) a.err(`routelab capture: the lab went away: ${(e as Error).message}\n`);
  }
  a.err(`${tally.packets} packets captured\n`);
  if (tally.dropped > 0) a.err(`${tally.dropped} packets dropped by the lab (the reader was too slow)\n`);
  return 0;
}

/** The frames of `file` as text, all or the `n`th (1-based). */
export function dissectFile(file: string, n?: number): string {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(file));
  } catch (e) {
    throw new LabError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? e}`, { file }, "usage");
  }
  let frames: Uint8Array[];
  const ng = pcapngFrames(bytes);
  if (!(ng instanceof WireError)) frames = ng.map((f) => f.frame);
  else {
    const p = parsePcap(bytes);
    if (p instanceof WireError)
      throw new LabError(`${file}: not a pcap or pcapng file (${p.reason})`, { file }, "usage");
    if (p.linktype !== LINKTYPE_ETHERNET)
      throw new LabError(`${file}: link type ${p.linktype}, not Ethernet (1)`, { file }, "usage");
    frames = p.records.map((r) => r.packet);
  }
  if (n !== undefined && (n < 1 || n > frames.length))
    throw new LabError(`${file} has ${frames.length} frames: no frame ${n}`, { file, field: "N" }, "usage");
  // Every frame up to the last shown teaches the conversations' bases, as Wireshark reads a file.
  const tcp = new TcpSequenceBases();
  const bases = frames.slice(0, n ?? frames.length).map((f) => tcp.observe(f));
  const pick = n === undefined ? frames.map((f, i) => [i + 1, f] as const) : [[n, frames[n - 1]!] as const];
  return pick
    .map(([i, f]) => `Frame ${i}: ${f.length} bytes\n${formatDissection(dissectFrame(f, bases[i - 1]), 1)}`)
    .join("\n");
}

const positive = (name: string) => (v: string) => {
  if (!/^[0-9]+(\.[0-9]+)?$/.test(v) || Number(v) <= 0)
    throw new LabError(`${name}: '${v}' is not a positive number`, { field: name }, "usage");
  return Number(v);
};

/** Adds `capture` and `dissect` to the program. */
export function registerCaptureCommands(
  p: Command,
  out: (s: string) => void,
  err: (s: string) => void,
  exit: (code: number) => void,
): void {
  p.command("capture")
    .description("stream a running lab's link as pcapng to standard output (| tshark -i -)")
    .argument("<url>", "the lab's address, as `routelab up` printed it (http://127.0.0.1:8080)")
    .argument("<link>", "a link id (vm1-vm2), as the map and /api/topology name it")
    .addOption(new Option("-c, --count <n>", "stop after N frames").argParser(positive("--count")))
    .addOption(new Option("--seconds <s>", "stop after S seconds").argParser(positive("--seconds")))
    .addOption(
      new Option(
        "--token <token>",
        "a login's or the instructor's token (better: the environment variable)",
      ).env("ROUTELAB_TOKEN"),
    )
    .action(async (url: string, link: string, o: { count?: number; seconds?: number; token?: string }) => {
      if (process.stdout.isTTY) {
        err(
          "routelab capture: standard output is a terminal: pipe it (| tshark -i -) or redirect it (> FILE.pcapng)\n",
        );
        return exit(2);
      }
      const stop = new AbortController();
      const onSignal = () => stop.abort();
      process.once("SIGINT", onSignal);
      process.once("SIGTERM", onSignal);
      try {
        exit(await runCapture({ url, link, ...o, sink: process.stdout, err, stop: stop.signal }));
      } finally {
        process.off("SIGINT", onSignal);
        process.off("SIGTERM", onSignal);
      }
    });
  p.command("dissect")
    .description("print the frames of a capture (pcap or pcapng) field by field, as Wireshark's detail pane")
    .argument("<file>", "a capture: routelab run --capture, routelab capture, tcpdump -w")
    .argument("[n]", "only frame N (1 = the first)")
    .action((file: string, n?: string) => {
      if (n !== undefined && !/^[0-9]+$/.test(n))
        throw new LabError(`N: '${n}' is not a frame number`, { field: "N" }, "usage");
      out(dissectFile(file, n === undefined ? undefined : Number(n)));
      exit(0);
    });
}
