/**
 * @module engines/netns/wall-clock-host
 * What the netns engine's two Host implementations share (real-host.ts inside a namespace,
 * ns-host.ts from outside it): time is the wall clock since the host was made, and the kernel's
 * own programs and daemons own ICMP and raw IP there, so Node sends neither (a protocol on raw IP
 * runs in FRR's daemon; ping and traceroute are the kernel's).
 */
import { performance } from "node:perf_hooks";
import { LabError } from "../../core/errors.js";
import type { Nanos } from "../../core/time.js";
import type { SendResult, TimerHandle } from "../../sim/host.js";

export abstract class WallClockHost {
  private readonly t0 = performance.now();

  now(): Nanos {
    return Math.round((performance.now() - this.t0) * 1e6);
  }

  timer(delay: Nanos, fn: () => void): TimerHandle {
    const h = setTimeout(fn, Math.max(0, delay / 1e6));
    return { cancel: () => clearTimeout(h) };
  }

  ipBind(protocol: number): { close(): void } {
    throw new LabError(
      `raw IP protocol ${protocol} is not offered in a namespace`,
      { field: "protocol" },
      "unsupported",
    );
  }

  sendIp(): SendResult {
    return { ok: false, error: "ENETUNREACH" };
  }

  sendIcmpEcho(): SendResult {
    return { ok: false, error: "ENETUNREACH" };
  }
}
