/**
 * @module core/errors
 * Library code throws LabError (with a position when the fault is in a file); only cli/ prints
 * and exits. A position lets every message name file, line, column and field, as users expect.
 */

/** Where in an input a fault lies. Lines and columns count from 1. */
export interface SourcePos {
  file?: string;
  line?: number;
  col?: number;
  field?: string;
}

/** An error meant for people: the message is complete on its own, no stack needed. */
export class LabError extends Error {
  constructor(
    message: string,
    readonly pos: SourcePos = {},
    readonly code: string = "invalid",
  ) {
    super(message);
    this.name = "LabError";
  }

  /** `file:line:col: field: message`, leaving out the parts that are unknown. */
  format(): string {
    return formatPositioned(this.pos, this.message);
  }
}

/** Several positioned errors found together (a topology file with many faults). */
export class LabErrors extends LabError {
  constructor(readonly errors: LabError[]) {
    super(errors.map((e) => e.format()).join("\n"), errors[0]?.pos ?? {});
    this.name = "LabErrors";
  }
  override format(): string {
    return this.message;
  }
}

export function formatPositioned(pos: SourcePos, message: string): string {
  let where = "";
  if (pos.file) where += pos.file;
  if (pos.line !== undefined) where += `${where ? ":" : "line "}${pos.line}`;
  if (pos.col !== undefined) where += `:${pos.col}`;
  const field = pos.field ? `${pos.field}: ` : "";
  return where ? `${where}: ${field}${message}` : `${field}${message}`;
}
