import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { debounce } from "../../web/src/dom.js";

// The panels' refresh after route/link/node events (web/src/routes-panel.ts, ospf-panel.ts).
describe("debounce", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("runs once, ms after the first call of a burst", () => {
    const fn = vi.fn();
    const soon = debounce(fn, 150);
    soon();
    vi.advanceTimersByTime(100);
    soon();
    soon();
    expect(fn).not.toHaveBeenCalled();
    vi.advanceTimersByTime(50);
    expect(fn).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(1000);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it("runs again for a call after it ran", () => {
    const fn = vi.fn();
    const soon = debounce(fn, 150);
    soon();
    vi.advanceTimersByTime(150);
    soon();
    vi.advanceTimersByTime(149);
    expect(fn).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(1);
    expect(fn).toHaveBeenCalledTimes(2);
  });
});
