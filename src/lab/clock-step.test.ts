/**
 * The instructor's clock step is bounded and sliced (issue 17: `POST /api/clock
 * {"step":"5000h"}` held the server 98 s). A step longer than a day is refused naming the limit;
 * a long step yields to the event loop between slices, so a request made meanwhile is answered
 * before the step ends; a second step at once is refused.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { FastifyInstance } from "fastify";
import { HOUR } from "../core/time.js";
import { createSimLab } from "../engines/sim/index.js";
import { buildApp } from "../server/http/server.js";
import { loadTopologyText } from "../topology/index.js";
import { parseClockStep, stepClock } from "./clock-step.js";

const SEED = join(import.meta.dirname, "..", "..", "examples", "seed.yaml");
const seed = () => loadTopologyText(readFileSync(SEED, "utf8"), "seed.yaml");

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

describe("clock step", () => {
  it("refuses a step longer than a day, as a scenario's wait, naming the limit", () => {
    expect(() => parseClockStep("5000h")).toThrow("'5000h' is longer than the longest step, 24h");
    expect(() => parseClockStep(25 * HOUR)).toThrow(/longest step, 24h/);
    expect(() => parseClockStep("0")).toThrow(/not a duration/);
    expect(() => parseClockStep(1.5)).toThrow(/not a duration/);
    expect(parseClockStep("24h")).toBe(24 * HOUR);
  });

  it("POST /api/clock {step: 5000h} is a 400 naming step; the server is not held", async () => {
    const lab = createSimLab(seed());
    app = (await buildApp({ lab, webRoot: "/nonexistent", adminToken: "t0ken-t0ken-t0ken" })).app;
    const r = await app.inject({
      method: "POST",
      url: "/api/clock",
      payload: { step: "5000h" },
      headers: { authorization: "Bearer t0ken-t0ken-t0ken" },
    });
    expect(r.statusCode).toBe(400);
    expect(r.json()).toMatchObject({ field: "step" });
    expect(r.json().error).toMatch(/longest step, 24h/);
    expect(lab.clock().now).toBe(0);
  });

  it("a long step yields between slices: a request made meanwhile is answered before it ends", async () => {
    const lab = createSimLab(seed());
    app = (await buildApp({ lab, webRoot: "/nonexistent", adminToken: "t0ken-t0ken-t0ken" })).app;
    const order: string[] = [];
    const step = app
      .inject({
        method: "POST",
        url: "/api/clock",
        payload: { step: "6h" },
        headers: { authorization: "Bearer t0ken-t0ken-t0ken" },
      })
      .then((r) => order.push(`step ${r.statusCode}`));
    // Once the step has begun (the clock moved), ask for the clock: taken in one piece, the step
    // would have ended before this loop saw the clock move at all.
    while (lab.clock().now === 0) await new Promise((r) => setImmediate(r));
    const clock = app.inject({ method: "GET", url: "/api/clock" }).then((r) => {
      order.push("clock");
      return r.json().now as number;
    });
    const seen = await clock;
    await step;
    expect(order).toEqual(["clock", "step 200"]);
    expect(seen).toBeLessThan(6 * HOUR);
    expect(lab.clock().now).toBe(6 * HOUR);
  });

  it("one step at a time per lab", async () => {
    const lab = createSimLab(seed());
    let turns = 0;
    const yieldTurn = async () => {
      turns++;
      await expect(stepClock(lab, 1e9)).rejects.toThrow(/already stepping/);
    };
    await stepClock(lab, 10 * 1e9, { yieldTurn, now: () => 0 });
    expect(turns).toBeGreaterThan(0);
    expect(lab.clock().now).toBe(10 * 1e9);
  });
});
