/**
 * @module wire/error
 * What a parser returns for bytes it will not accept. Parsers return it instead of throwing
 * (smoltcp's `Result`, BIRD's `DROP("reason")`): bad bytes from the network are normal input,
 * not a bug, and the caller turns the reason into a drop event. It is deliberately not an
 * `Error` subclass, so creating one captures no stack and costs next to nothing on a hot path.
 */

/** A parse failure with a short human reason, e.g. "bad checksum". */
export class WireError {
  constructor(
    readonly reason: string,
    /** `checksum`: the bytes are all there but do not sum; `malformed`: a length or field is wrong. */
    readonly kind: "malformed" | "checksum" = "malformed",
  ) {}

  toString(): string {
    return `WireError: ${this.reason}`;
  }
}

/** Type guard for `T | WireError` results. */
export function isWireError(x: unknown): x is WireError {
  return x instanceof WireError;
}
