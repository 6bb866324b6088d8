import { describe, expect, it } from "vitest";
import { sharedUtf8 } from "./events-ws.js";

describe("sharedUtf8", () => {
  it("hands every viewer of one flush the same bytes, encoded once", () => {
    const utf8 = sharedUtf8();
    const batch = JSON.stringify({ type: "batch", events: [{ summary: "vm1 → vm2 ü" }] });
    const first = utf8(batch);
    expect(first.toString("utf8")).toBe(batch);
    expect(utf8(batch)).toBe(first); // the same Buffer, not a copy
    const next = `${batch} `;
    expect(utf8(next)).not.toBe(first);
    expect(utf8(next).toString("utf8")).toBe(next);
  });
});
