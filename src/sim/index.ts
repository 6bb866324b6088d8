/** @module sim — the discrete-event packet simulator: scheduler, nodes, links, FIB, forwarding. */
export * from "./build.js";
export * from "./fib.js";
export * from "./host.js";
export * from "./iface.js";
export * from "./link.js";
export * from "./network.js";
export * from "./node.js";
export * from "./packet.js";
export * from "./pacer.js";
export * from "./scheduler.js";
export * from "./tcp/index.js";
export * from "./netfilter.js";
export * from "./node-system.js";
export * from "./multipath.js";
export { DYNAMIC_FLAGS, REDIRECT_SOURCE, RTQ_REALLYOLD } from "./redirect.js";
