/** @module core — addresses, virtual time, seeded randomness, errors, events (and which are routing chatter), user colours. Imports nothing. */
export * from "./errors.js";
export * from "./ip.js";
export * from "./mac.js";
export * from "./rng.js";
export * from "./time.js";
export * from "./events.js";
export * from "./routing-traffic.js";
export * from "./link-layer-traffic.js";
export * from "./palette.js";
export * from "./limits.js";
export * from "./capacity.js";
