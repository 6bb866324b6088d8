/**
 * @module shell/cmd/echo
 * `echo [-n] [string ...]`: FreeBSD echo(1) — the words joined by one space and a newline,
 * none with `-n` (only as the first argument), and a trailing `\c` on the last word also
 * suppresses the newline (bin/echo/echo.c). What `echo hello | nc HOST PORT` feeds nc.
 */
import type { Command } from "../commands.js";

export const echoCommand: Command = {
  name: "echo",
  summary: "write arguments to standard output",
  run(_ctx, args, io) {
    let words = args;
    let newline = true;
    if (words[0] === "-n") {
      newline = false;
      words = words.slice(1);
    }
    let text = words.join(" ");
    if (text.endsWith("\\c")) {
      text = text.slice(0, -2);
      newline = false;
    }
    io.out(newline ? `${text}\n` : text);
    return 0;
  },
};
