/** @module apps — programs that run on a simulated node through its Host: ping, traceroute, rtquery. */
export * from "./cfmt.js";
export * from "./errno.js";
export * from "./icmp.js";
export * from "./ping.js";
export * from "./process.js";
export * from "./rtquery.js";
export * from "./traceroute.js";
