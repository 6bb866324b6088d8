/** @module apps — programs that run on a simulated node through its Host: ping, traceroute, rtquery, nc. */
export * from "./cfmt.js";
export * from "./errno.js";
export * from "./icmp.js";
export * from "./nc.js";
export * from "./ping.js";
export * from "./process.js";
export * from "./rtquery.js";
export * from "./ssh.js";
export * from "./traceroute.js";
