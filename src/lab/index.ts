/** @module lab — the engine-neutral Lab interface and event types. */
export type { LabEvent, LabEventKind, DropReason, PacketClass } from "../core/events.js";
export * from "./lab.js";
export * from "./checks.js";
export { CheckRecord, isLoss, type RanCommand } from "./checks-record.js";
export { PROBE_USER, type ProbeResult, probe } from "./checks-probe.js";
export { allPassed, formatCheckReport } from "./lesson-report.js";
export * from "./lesson-schedule.js";
export { checkShape, describeShape, parseShapeWords, shapeFromJson } from "./link-shape.js";
export type {
  JournalEntry,
  JournalPage,
  LessonStatus,
  LessonView,
  RewindableLabView,
} from "./lesson-view.js";
export { isRoutingTraffic } from "../proto/registry.js";
export { PacketStore, PACKET_STORE_LIMITS, type HeldFrame, type PacketStoreLimits } from "./packet-store.js";
