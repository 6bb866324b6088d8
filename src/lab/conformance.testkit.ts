/**
 * @module lab/conformance.testkit
 * One conformance suite for the Lab interface, run against every engine (hono's shared router
 * tests): `runLabConformance("sim", () => createSimLab(seed))`. Everything here goes through
 * the Lab interface only, on the seed network (examples/seed.yaml), so what passes on one
 * engine means the same on the other.
 */
import { describe, expect, it } from "vitest";
import type { LabEvent } from "../core/events.js";
import { MINUTE, SECOND } from "../core/time.js";
import type { Lab } from "./lab.js";

export interface ConformanceOptions {
  /** Virtual (or real) time to wait for routing to converge. */
  converge?: number;
}

async function exec(
  lab: Lab,
  node: string,
  line: string,
  user?: string,
): Promise<{ out: string; code: number }> {
  let out = "";
  const x = lab.exec(node, line, {
    ...(user ? { user } : {}),
    write: (s) => {
      out += s;
    },
  });
  const finished = await lab.advanceUntil(() => x.exitCode !== undefined, 2 * MINUTE);
  expect(finished, `${node}: ${line} did not finish`).toBe(true);
  return { out, code: await x.done };
}

export function runLabConformance(
  engine: string,
  make: () => Promise<Lab> | Lab,
  o: ConformanceOptions = {},
): void {
  const converge = o.converge ?? 60 * SECOND;
  describe(`Lab conformance: ${engine}`, () => {
    it("describes the seed network: nodes, interfaces, links", async () => {
      const lab = await make();
      try {
        const nodes = lab.nodes();
        expect(nodes.map((n) => n.name)).toEqual([
          "vm1",
          "vm2",
          "vm3",
          "vm4",
          "vm5",
          "vm6",
          "vm7",
          "vm8",
          "vm9",
        ]);
        const vm1 = nodes[0]!;
        expect(vm1.interfaces.filter((i) => i.link).map((i) => `${i.name} ${i.addr}/${i.len}`)).toEqual([
          "epair0a 10.0.10.1/24",
          "epair1a 10.0.20.1/24",
          "epair3a 10.0.40.1/24",
          "epair4a 10.0.50.1/24",
        ]);
        expect(lab.links()).toHaveLength(9);
        expect(lab.links()[0]).toMatchObject({
          a: { node: "vm1", addr: "10.0.10.1" },
          b: { node: "vm2", addr: "10.0.10.2" },
          up: true,
        });
      } finally {
        await lab.close();
      }
    });

    it("converges, answers commands, reroutes when a link goes down, and reports it as events", async () => {
      const lab = await make();
      const events: LabEvent[] = [];
      const off = lab.onEvent((e) => events.push(e));
      try {
        await lab.advance(converge);
        const routes = lab.routes("vm1");
        const r30 = routes.find((r) => r.dest === "10.0.30.0/24");
        expect(r30?.flags).toContain("G");
        expect(routes.find((r) => r.dest === "10.0.90.0/24")?.gateway).toBe("10.0.20.2");
        expect((await exec(lab, "vm1", "hostname")).out).toBe("vm1\n");
        const ping = await exec(lab, "vm4", "ping -c 2 vm9", "alice");
        expect(ping.code).toBe(0);
        expect(ping.out).toContain("2 packets transmitted, 2 packets received");
        expect(events.some((e) => e.kind === "hop" && e.user === "alice")).toBe(true);
        expect((await exec(lab, "vm1", "nosuchcommand")).code).toBe(127);

        lab.setLink("vm1", "vm2", false);
        expect(lab.links()[0]!.up).toBe(false);
        await lab.advance(converge);
        expect(lab.routes("vm1").find((r) => r.dest === "10.0.60.0/24")?.gateway).toBe("10.0.20.2");
        expect(events.some((e) => e.kind === "link" && e.state === "down")).toBe(true);
        expect(events.some((e) => e.kind === "route" && e.node === "vm1")).toBe(true);
        lab.setLink("vm1", "vm2", true);
        await lab.advance(converge);
        expect(lab.routes("vm1").find((r) => r.dest === "10.0.60.0/24")?.gateway).toBe("10.0.10.2");
      } finally {
        off();
        await lab.close();
      }
    });

    it("crashes and reboots a router", async () => {
      const lab = await make();
      try {
        await lab.advance(converge);
        lab.setNode("vm6", false);
        expect(lab.nodes().find((n) => n.name === "vm6")?.up).toBe(false);
        expect((await exec(lab, "vm1", "ping -c 1 -t 2 vm6")).code).not.toBe(0);
        lab.setNode("vm6", true);
        await lab.advance(converge);
        expect((await exec(lab, "vm1", "ping -c 1 vm6")).code).toBe(0);
      } finally {
        await lab.close();
      }
    });

    it("refuses unknown nodes and links with an error naming them", async () => {
      const lab = await make();
      try {
        expect(() => lab.routes("vm10")).toThrow(/vm10/);
        expect(() => lab.setLink("vm4", "vm9", false)).toThrow(/vm4.*vm9/);
        expect(() => lab.exec("nope", "hostname")).toThrow(/nope/);
      } finally {
        await lab.close();
      }
    });
  });
}
