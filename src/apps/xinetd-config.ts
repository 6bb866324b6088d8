/**
 * @module apps/xinetd-config
 * Reading xinetd's configuration as xinetd 2.3 does (xinetd/confparse.c, parse.c, the
 * xinetd.conf(5) syntax): `/etc/xinetd.conf` (its `defaults { … }` and `includedir DIR`), then
 * every file of the included directory, each holding `service NAME` followed by `{ … }` with
 * one `attribute = value` (or `+=`, `-=`) a line; `#` begins a comment.
 *
 * The checks of confparse.c's service_fill/check_entry that matter for a relay, with their
 * messages: a service must say `socket_type` or `protocol` ("A protocol or a socket_type must be
 * specified for service: NAME."); unless `type = UNLISTED` its name must be in /etc/services
 * for its protocol ("service/protocol combination not in /etc/services: NAME/tcp"), and a
 * `port` must agree ("Service NAME expects port P, not Q"); an UNLISTED one needs a port.
 * `disable = yes` leaves a service out. What routelab cannot run is said in the log too: a
 * `server =` program (only `redirect =` services are relayed), `socket_type = dgram`
 * (xinetd's redirect.c itself relays TCP only).
 */
import { type Ipv4, parseIpv4, parsePrefix, type Prefix } from "../core/ip.js";

export interface XinetdService {
  name: string;
  port: number;
  redirect: { addr: Ipv4; port: number };
  /** `bind =`: the one local address it accepts on. */
  bind?: Ipv4;
  /** `only_from =`: the clients it serves (all when absent). */
  onlyFrom?: Prefix[];
}

export interface XinetdConfig {
  services: XinetdService[];
  /** Lines for the log (syslog), in xinetd's words. */
  log: string[];
}

/** The files xinetd reads, from the node's file system. */
export interface ConfigFiles {
  read(path: string): string | undefined;
  list(dir: string): string[];
}

type Attrs = Map<string, string[]>;

interface Block {
  name: string;
  attrs: Attrs;
  file: string;
  line: number;
}

/** `service NAME { … }` blocks and `includedir` lines of one file. */
function parseFile(text: string, file: string, log: string[]): { blocks: Block[]; includes: string[] } {
  const blocks: Block[] = [];
  const includes: string[] = [];
  const lines = text.split("\n");
  let current: Block | undefined;
  let open = false;
  lines.forEach((raw, k) => {
    const line = raw.replace(/#.*/, "").trim();
    if (line === "") return;
    const words = line.split(/\s+/);
    if (current === undefined) {
      if (words[0] === "service" && words[1] !== undefined) {
        current = { name: words[1], attrs: new Map(), file, line: k + 1 };
        open = line.endsWith("{");
      } else if (words[0] === "defaults") {
        current = { name: "", attrs: new Map(), file, line: k + 1 };
        open = line.endsWith("{");
      } else if (words[0] === "includedir" && words[1] !== undefined) includes.push(words[1]);
      else log.push(`Bad service definition [file=${file}] [line=${k + 1}]`);
      return;
    }
    if (!open) {
      if (line === "{") open = true;
      else log.push(`Service ${current.name}: missing '{' [file=${file}] [line=${k + 1}]`);
      return;
    }
    if (line === "}") {
      if (current.name !== "") blocks.push(current);
      current = undefined;
      open = false;
      return;
    }
    const m = /^([a-z_]+)\s*(\+=|-=|=)\s*(.*)$/.exec(line);
    if (m === null) {
      log.push(`Bad line received [file=${file}] [line=${k + 1}]`);
      return;
    }
    const [, attr, op, value] = m as unknown as [string, string, string, string];
    const values = value.split(/\s+/).filter((v) => v !== "");
    const old = current.attrs.get(attr) ?? [];
    current.attrs.set(
      attr,
      op === "+=" ? [...old, ...values] : op === "-=" ? old.filter((v) => !values.includes(v)) : values,
    );
  });
  if (current !== undefined) log.push(`Service ${current.name || "defaults"}: missing '}' [file=${file}]`);
  return { blocks, includes };
}

/** getservbyname(name, "tcp") over the node's /etc/services. */
export function serviceByName(services: string | undefined, name: string, proto = "tcp"): number | undefined {
  for (const raw of (services ?? "").split("\n")) {
    const words = raw.replace(/#.*/, "").trim().split(/\s+/);
    const [svc, portProto, ...aliases] = words;
    if (svc === undefined || portProto === undefined) continue;
    const [p, pr] = portProto.split("/");
    if (pr !== proto) continue;
    if (svc === name || aliases.includes(name)) {
      const n = Number(p);
      if (Number.isInteger(n) && n > 0 && n < 65536) return n;
    }
  }
  return undefined;
}

function checkService(b: Block, services: string | undefined, log: string[]): XinetdService | undefined {
  const one = (a: string) => b.attrs.get(a)?.[0];
  const where = `[file=${b.file}] [line=${b.line}]`;
  if (one("disable") === "yes") return undefined;
  const socketType = one("socket_type");
  const protocol =
    one("protocol") ?? (socketType === "stream" ? "tcp" : socketType === "dgram" ? "udp" : undefined);
  if (protocol === undefined) {
    log.push(`A protocol or a socket_type must be specified for service: ${b.name}.`);
    return undefined;
  }
  if (protocol !== "tcp" || (socketType !== undefined && socketType !== "stream")) {
    log.push(`Service ${b.name}: only stream (TCP) services are run in routelab ${where}`);
    return undefined;
  }
  const portText = one("port");
  const port = portText === undefined ? undefined : Number(portText);
  if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536)) {
    log.push(`Port out of range: ${portText} ${where}`);
    return undefined;
  }
  let listenPort = port;
  if (!(b.attrs.get("type") ?? []).includes("UNLISTED")) {
    const listed = serviceByName(services, b.name, protocol);
    if (listed === undefined) {
      log.push(`service/protocol combination not in /etc/services: ${b.name}/${protocol}`);
      return undefined;
    }
    if (port !== undefined && port !== listed) {
      log.push(`Service ${b.name} expects port ${listed}, not ${port}`);
      return undefined;
    }
    listenPort = listed;
  } else if (listenPort === undefined) {
    log.push(`Service ${b.name} missing attribute port ${where}`);
    return undefined;
  }
  const redirect = b.attrs.get("redirect");
  if (redirect === undefined) {
    log.push(`Service ${b.name}: only redirect = services are run in routelab (no server programs) ${where}`);
    return undefined;
  }
  const rAddr = parseIpv4(redirect[0] ?? "");
  const rPort = Number(redirect[1]);
  if (rAddr === undefined || !(Number.isInteger(rPort) && rPort > 0 && rPort < 65536)) {
    log.push(`Bad redirect address or port: ${redirect.join(" ")} ${where}`);
    return undefined;
  }
  const s: XinetdService = { name: b.name, port: listenPort!, redirect: { addr: rAddr, port: rPort } };
  const bind = one("bind") ?? one("interface");
  if (bind !== undefined) {
    const a = parseIpv4(bind);
    if (a === undefined) {
      log.push(`Bad address: ${bind} ${where}`);
      return undefined;
    }
    s.bind = a;
  }
  const from = b.attrs.get("only_from");
  if (from !== undefined) {
    s.onlyFrom = [];
    for (const f of from) {
      const p = parsePrefix(f.includes("/") ? f : `${f}/32`, false);
      if (p === undefined) log.push(`Bad only_from address: ${f} ${where}`);
      else s.onlyFrom.push(p);
    }
  }
  return s;
}

/** Reads /etc/xinetd.conf and what it includes (or /etc/xinetd.d alone when there is no xinetd.conf). */
export function readXinetdConfig(files: ConfigFiles): XinetdConfig {
  const log: string[] = [];
  const blocks: Block[] = [];
  const main = files.read("/etc/xinetd.conf");
  const dirs: string[] = [];
  if (main === undefined) dirs.push("/etc/xinetd.d");
  else {
    const r = parseFile(main, "/etc/xinetd.conf", log);
    blocks.push(...r.blocks);
    dirs.push(...r.includes);
  }
  for (const dir of dirs) {
    // includedir skips names with a dot or ending in ~ (xinetd/includedir.c).
    for (const name of files.list(dir)) {
      if (name.includes(".") || name.endsWith("~")) continue;
      const path = `${dir.replace(/\/+$/, "")}/${name}`;
      const text = files.read(path);
      if (text !== undefined) blocks.push(...parseFile(text, path, log).blocks);
    }
  }
  const services = files.read("/etc/services");
  const out: XinetdService[] = [];
  for (const b of blocks) {
    const s = checkService(b, services, log);
    if (s === undefined) continue;
    if (out.some((x) => x.port === s.port)) {
      log.push(`Service ${s.name}: port ${s.port} is taken by another service`);
      continue;
    }
    out.push(s);
  }
  return { services: out, log };
}
