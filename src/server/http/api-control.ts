/**
 * @module server/http/api-control
 * The instructor's controls: links and nodes down/up, a link's delay and loss, and the clock
 * (speed, pause, step: at most a day, run in slices so the server keeps answering).
 * Each needs the `control` action (the admin token today, an instructor's session with
 * issue 5).
 */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { parseClockStep } from "../../lab/clock-step.js";
import { type ServerLab, stepServerLab } from "../server-lab.js";
import { linkRequestShape } from "../../lab/link-shape.js";
import { type ApiContext, principalFor } from "./context.js";
import { ClockReplySchema, LinkReplySchema, NodeReplySchema } from "./answers.js";
import { HttpError } from "./api-shapes.js";
import { controlAnswers, errorAnswer, NOT_FOUND, okAnswer, REFUSALS, SECURITY } from "./route-docs.js";
import { clockBody, type LinkBody, linkBody, nodeBody, nodeParams } from "./schemas.js";

export function registerControlApi(app: FastifyInstance, ctx: ApiContext): void {
  const { lab } = ctx;
  const api = app.withTypeProvider<TypeBoxTypeProvider>();

  api.post("/api/links", { schema: linkSchema }, async (request) => {
    await principalFor(ctx, request, "control");
    const body = request.body;
    const { a, b } = linkEnds(lab, body);
    // Everything is checked before anything changes: a bad loss leaves the state alone too.
    const shape = linkRequestShape(body);
    if (body.state !== undefined) {
      const opts: { silent?: boolean } = {};
      if (body.silent !== undefined) opts.silent = body.silent;
      await lab.setLink(a, b, body.state === "up", opts);
    }
    if (shape) await lab.setLinkShape(a, b, shape);
    const link = lab.links().find((l) => sameEnds(l.a.node, l.b.node, a, b));
    return { link: link ?? null };
  });

  api.post(
    "/api/nodes/:node",
    {
      schema: {
        summary: "Crash (down) or boot (up) a router",
        security: SECURITY.anybody,
        params: nodeParams,
        body: nodeBody,
        response: controlAnswers(okAnswer(NodeReplySchema, "The node's new state"), {
          404: NOT_FOUND("no such router"),
          501: UNSUPPORTED,
        }),
      },
    },
    async (request) => {
      await principalFor(ctx, request, "control");
      const name = request.params.node;
      await lab.setNode(name, request.body.state === "up");
      return { node: lab.nodes().find((n) => n.name === name) ?? null };
    },
  );

  api.get(
    "/api/clock",
    {
      schema: {
        summary: "The clock",
        security: SECURITY.anybody,
        response: { 200: okAnswer(ClockReplySchema, "The clock"), ...REFUSALS },
      },
    },
    async (request) => {
      await principalFor(ctx, request, "view");
      return clockState(lab);
    },
  );

  api.post("/api/clock", { schema: clockSchema }, async (request) => {
    await principalFor(ctx, request, "control");
    const { speed, paused, step } = request.body;
    const pacer = lab.pacer;
    if (!pacer && (speed !== undefined || paused !== undefined))
      throw new HttpError(
        409,
        "this lab is not paced in real time: only step works",
        speed !== undefined ? "speed" : "paused",
        "conflict",
      );
    if (pacer && speed !== undefined) await pacer.setSpeed(speed);
    if (pacer && paused === true) await pacer.pause();
    if (pacer && paused === false && step === undefined) await pacer.resume();
    // A step is taken from a standstill (it pauses a running clock first), at most a day, in
    // slices that let the server answer others meanwhile (lab/clock-step.ts).
    if (step !== undefined) await stepServerLab(lab, parseClockStep(step));
    return clockState(lab);
  });
}

const UNSUPPORTED = errorAnswer("The engine cannot do it (e.g. delay or loss on a netns lab without tc)");

const linkSchema = {
  summary: "Take a link down (optionally silently) or up, and/or change its delay and loss",
  description:
    "At least one of state, delay and loss. A bad value is a 400 naming the field, and nothing is applied. Needs an instructor's session or the admin token.",
  security: SECURITY.anybody,
  body: linkBody,
  response: controlAnswers(okAnswer(LinkReplySchema, "The link as it is now"), {
    404: NOT_FOUND("no such router or link"),
    501: UNSUPPORTED,
  }),
};

const clockSchema = {
  summary: "Change speed, pause or resume, or step",
  description: "A step is taken from a standstill, at most a day, in slices (the server keeps answering).",
  security: SECURITY.anybody,
  body: clockBody,
  response: controlAnswers(okAnswer(ClockReplySchema, "The new clock"), {
    409: errorAnswer("The lab is not paced in real time (only step works), or the clock is stepping already"),
  }),
};

function clockState(lab: ServerLab) {
  return { ...lab.clock(), paced: lab.pacer !== undefined };
}

function sameEnds(x: string, y: string, a: string, b: string): boolean {
  return (x === a && y === b) || (x === b && y === a);
}

/** The two nodes of the link a request names, by `link` id or by `a` and `b`. */
function linkEnds(lab: ServerLab, body: LinkBody): { a: string; b: string } {
  if (body.link !== undefined) {
    if (body.a !== undefined || body.b !== undefined)
      throw new HttpError(400, "give either link or a and b, not both", "link");
    const l = lab.links().find((x) => x.id === body.link);
    if (!l) throw new HttpError(404, `no link '${body.link}'`, "link", "not-found");
    return { a: l.a.node, b: l.b.node };
  }
  if (body.a === undefined) throw new HttpError(400, "a is required (or link)", "a");
  if (body.b === undefined) throw new HttpError(400, "b is required (or link)", "b");
  return { a: body.a, b: body.b };
}
