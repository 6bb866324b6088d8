/** @module shell — the commands people type on a node, in FreeBSD's format, and how to run them. */
export * from "./builtins.js";
export * from "./cmd/hostname.js";
export * from "./cmd/ifconfig.js";
export * from "./cmd/netstat.js";
export * from "./cmd/ping.js";
export * from "./cmd/ripstatus.js";
export * from "./cmd/route.js";
export * from "./cmd/rtquery.js";
export * from "./cmd/traceroute.js";
export { helpCommand } from "./cmd/help.js";
export * from "./commands.js";
export * from "./context.js";
export * from "./getopt.js";
export { whenReady } from "./later.js";
export * from "./names.js";
export * from "./parse.js";
export * from "./run.js";
export * from "./sim-context.js";
