/**
 * @module shell/cmd/files
 * `cat [FILE …]` and `ls [-1] [DIR|FILE …]` over a node's small file system (sim/node-system.ts;
 * `files:` in the topology, `echo … > FILE` in the shell). Messages as FreeBSD's and GNU's
 * coreutils both print them (`cat: F: No such file or directory`, exit 1; `ls: cannot access`
 * on Linux, `ls: F: No such file or directory` on FreeBSD). `cat` without a file copies its
 * standard input (the right side of a pipe). Relative paths are taken from `/` (the shell has no
 * working directory).
 */
import type { ProgramIo } from "../../apps/process.js";
import { ProgramState } from "../../apps/process.js";
import type { FileError } from "../../sim/node-system.js";
import type { Command } from "../commands.js";
import type { ShellContext, ShellFiles } from "../context.js";

/** An absolute path for `p`, with `.` and `..` resolved and repeated slashes folded. */
export function absolutePath(p: string): string {
  const out: string[] = [];
  for (const part of p.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") out.pop();
    else out.push(part);
  }
  return `/${out.join("/")}`;
}

/** strerror of the errors a file write meets. */
export function fileErrorText(e: FileError): string {
  const texts: Record<FileError, string> = {
    ENOENT: "No such file or directory",
    EISDIR: "Is a directory",
    ENOSPC: "No space left on device",
    EFBIG: "File too large",
    EINVAL: "Invalid argument",
    ENAMETOOLONG: "File name too long",
  };
  return texts[e];
}

function noFiles(ctx: ShellContext, name: string, io: ProgramIo): ShellFiles | undefined {
  if (ctx.files === undefined) io.err(`${name}: this node has no file system in routelab\n`);
  return ctx.files;
}

export const catCommand: Command = {
  name: "cat",
  summary: "print files (cat /etc/xinetd.d/NAME)",
  run(ctx, args, io) {
    const files = noFiles(ctx, "cat", io);
    if (files === undefined) return 1;
    if (args.length === 0) {
      const p = new ProgramState();
      p.input = (t) => io.out(t);
      p.endInput = () => p.exit(0);
      return p;
    }
    let status = 0;
    for (const a of args) {
      const path = absolutePath(a);
      const text = files.read(path);
      if (text !== undefined) io.out(text);
      else {
        io.err(`cat: ${a}: ${files.isDir(path) ? "Is a directory" : "No such file or directory"}\n`);
        status = 1;
      }
    }
    return status;
  },
};

export const lsCommand: Command = {
  name: "ls",
  summary: "list files (ls /etc/xinetd.d)",
  run(ctx, args, io) {
    const files = noFiles(ctx, "ls", io);
    if (files === undefined) return 1;
    const operands = args.filter((a) => !/^-[1a-zA-Z]+$/.test(a));
    const targets = operands.length ? operands : ["/"];
    let status = 0;
    const blocks: string[] = [];
    for (const a of targets) {
      const path = absolutePath(a);
      if (files.read(path) !== undefined) blocks.push(`${a}\n`);
      else if (files.isDir(path)) {
        const names = files.list(path);
        const head = targets.length > 1 ? `${a}:\n` : "";
        blocks.push(head + names.map((n) => `${n}\n`).join(""));
      } else {
        io.err(
          ctx.os === "linux"
            ? `ls: cannot access '${a}': No such file or directory\n`
            : `ls: ${a}: No such file or directory\n`,
        );
        status = ctx.os === "linux" ? 2 : 1;
      }
    }
    io.out(blocks.join(targets.length > 1 ? "\n" : ""));
    return status;
  },
};
