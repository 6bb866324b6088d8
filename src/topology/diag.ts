/**
 * @module topology/diag
 * Collects every fault found in one file, so that a user fixes them all in one round instead of
 * one per run, then throws them together as LabErrors (core/errors.ts).
 */
import { LabError, LabErrors, type SourcePos } from "../core/errors.js";

export class Diagnostics {
  readonly errors: LabError[] = [];

  constructor(readonly file: string) {}

  /** Records a fault at `pos` (the file name is filled in). */
  error(message: string, pos: SourcePos, code = "invalid"): void {
    this.errors.push(new LabError(message, { file: this.file, ...pos }, code));
  }

  get failed(): boolean {
    return this.errors.length > 0;
  }

  /** Throws the faults found so far, if any. */
  throwIfAny(): void {
    if (this.errors.length === 0) return;
    // Report in file order: the parse and the checks after it find faults in different orders.
    const sorted = [...this.errors].sort(
      (a, b) => (a.pos.line ?? 0) - (b.pos.line ?? 0) || (a.pos.col ?? 0) - (b.pos.col ?? 0),
    );
    throw new LabErrors(sorted);
  }
}
