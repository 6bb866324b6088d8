/** @module lab — the engine-neutral Lab interface and event types. */
export type { LabEvent, LabEventKind, DropReason, PacketClass } from "../core/events.js";
export * from "./lab.js";
