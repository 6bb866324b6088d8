/**
 * The netns engine emulates a link's delay and loss with netem only: without sch_netem (this
 * machine's kernel, and any lab before its boot has asked the kernel) it refuses, naming the
 * field, rather than pretending. Runs without root: nothing here touches the system.
 */
import { describe, expect, it } from "vitest";
import { LabError } from "../../core/errors.js";
import { loadTopologyText } from "../../topology/index.js";
import { NetnsLab } from "./netns-lab.js";

describe("NetnsLab.setLinkShape", () => {
  it("refuses without sch_netem, with the field; bad names and values first", () => {
    const lab = new NetnsLab(loadTopologyText("a b 10.0.1.0/24\n", "l.edges"), "rl-shape-test", {});
    expect(lab.netem).toBe(false);
    const refusal = (fn: () => void) => {
      try {
        fn();
      } catch (e) {
        expect(e).toBeInstanceOf(LabError);
        return [(e as LabError).code, (e as LabError).pos.field, (e as LabError).message];
      }
      throw new Error("expected a LabError");
    };
    expect(refusal(() => lab.setLinkShape("a", "b", { loss: 0.1 }))).toEqual([
      "unsupported",
      "loss",
      "this kernel has no sch_netem (tc qdisc netem): the netns engine cannot change a link's delay or loss",
    ]);
    expect(refusal(() => lab.setLinkShape("a", "b", { delay: 1e6 }))[1]).toBe("delay");
    expect(refusal(() => lab.setLinkShape("a", "c", { loss: 0.1 }))[0]).toBe("not-found");
    expect(refusal(() => lab.setLinkShape("a", "b", { loss: 7 }))).toEqual([
      "invalid",
      "loss",
      "loss 7 is outside 0…1",
    ]);
    expect(lab.links()[0]).toMatchObject({ delay: 0, loss: 0 });
  });
});
