/**
 * @module engines/netns/sys
 * Running system programs: always `execFile` with an argument array (never a shell string),
 * with stderr kept for the error message. The netns engine's only door to the kernel.
 */
import { execFile, spawn } from "node:child_process";
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { LabError } from "../../core/errors.js";

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a program to completion; never throws for a non-zero exit (see `runOk`). */
export function run(cmd: string, args: readonly string[], input?: string): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = execFile(cmd, args, { maxBuffer: 64 << 20, encoding: "utf8" }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === "number" ? err.code : 127) : 0;
      resolve({
        code,
        stdout,
        stderr: err && typeof err.code !== "number" ? `${err.message}\n${stderr}` : stderr,
      });
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}

/** Runs a program and throws a LabError with its stderr when it fails. */
export async function runOk(cmd: string, args: readonly string[], input?: string): Promise<string> {
  const r = await run(cmd, args, input);
  if (r.code !== 0)
    throw new LabError(
      `${cmd} ${args.join(" ")}: exit ${r.code}: ${r.stderr.trim().split("\n").slice(-3).join("; ")}`,
      {},
      "system",
    );
  return r.stdout;
}

/** `ip -batch -` with the lines on stdin (one process for many changes); optionally inside a namespace. */
export function ipBatch(lines: readonly string[], netns?: string): Promise<string> {
  const args = netns ? ["-n", netns, "-batch", "-"] : ["-batch", "-"];
  return runOk("ip", args, `${lines.join("\n")}\n`);
}

/** Whether a program exists (exit 127 means not found). */
export async function have(cmd: string, args: readonly string[] = ["--version"]): Promise<boolean> {
  return new Promise((resolve) => {
    const p = spawn(cmd, args, { stdio: "ignore" });
    p.on("error", () => resolve(false));
    p.on("exit", () => resolve(true));
  });
}

/**
 * Whether process `pid` holds a NETLINK_ROUTE socket bound to multicast groups: `ip monitor`
 * has subscribed, so no kernel change from now on escapes it. Its sockets are the
 * `socket:[inode]` links in /proc/PID/fd; /proc/PID/net/netlink gives each one's groups.
 */
export function netlinkSubscribed(pid: number): boolean {
  try {
    const inodes = new Set<string>();
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (m) inodes.add(m[1]!);
      } catch {}
    }
    // sk Eth Pid Groups Rmem Wmem Dump Locks Drops Inode
    for (const line of readFileSync(`/proc/${pid}/net/netlink`, "utf8").split("\n")) {
      const f = line.trim().split(/\s+/);
      if (f.length >= 10 && f[1] === "0" && !/^0+$/.test(f[3]!) && inodes.has(f[9]!)) return true;
    }
  } catch {}
  return false;
}
