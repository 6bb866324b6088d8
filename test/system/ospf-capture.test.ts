/**
 * Every OSPF packet of a simulated run, read by tshark (Wireshark's packet-ospf.c, an
 * independent dissector): the seed with `routing: ospf` run with `--capture` through adjacency,
 * a link failure and its flooding, on a point-to-point and on a broadcast network type. Every
 * packet of every link's capture decodes as OSPF with nothing malformed and no expert warning
 * and its OSPF checksum "[correct]"; all five packet types appear, and the broadcast run's DR
 * sends Network-LSAs. (tshark does not check the LSAs' Fletcher checksums; FRR ospfd does, and
 * takes the simulator's LSAs: the netns interop test.)
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { routelab } from "../cli.js";
import { EXPERT_WARN, requireTshark, tsharkFields } from "./tshark.js";

const dir = mkdtempSync(join(tmpdir(), "routelab-ospf-capture-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SEED = join(import.meta.dirname, "..", "..", "examples", "seed.yaml");

function captureRun(network: string): string {
  const out = join(dir, network);
  const yaml = join(dir, `seed-${network}.yaml`);
  const text = readFileSync(SEED, "utf8").replace(
    /^ {2}routing: rip .*$/m,
    `  routing: ospf\n  ospf: {network: ${network}}`,
  );
  writeFileSync(yaml, text);
  const script = "wait converged\nlink down vm1 vm2\nwait converged\n";
  const r = routelab(["run", yaml, "--script", "-", "--capture", out], script);
  expect(r.code, r.err).toBe(0);
  return out;
}

describe.runIf(requireTshark())("OSPF in the simulator's captures, read by tshark", () => {
  for (const network of ["point-to-point", "broadcast"])
    it(`${network}: every OSPF packet decodes, checksums correct, nothing malformed`, () => {
      const out = captureRun(network);
      const types = new Set<string>();
      const lsaTypes = new Set<string>();
      let packets = 0;
      for (const f of readdirSync(out)) {
        const file = join(out, f);
        const rows = tsharkFields(
          file,
          ["ospf.msg", "ospf.lsa", "_ws.malformed", "_ws.expert.severity"],
          ["-Y", "ospf"],
        );
        for (const r of rows) {
          packets++;
          types.add(r["ospf.msg"]!);
          for (const t of r["ospf.lsa"]!.split(",").filter(Boolean)) lsaTypes.add(t);
          expect(r["_ws.malformed"], f).toBe("");
          for (const s of r["_ws.expert.severity"]!.split(",").filter(Boolean))
            expect(Number(s), `${f}: expert severity`).toBeLessThan(EXPERT_WARN);
        }
        const verbose = execFileSync("tshark", ["-r", file, "-n", "-V", "-Y", "ospf"], {
          encoding: "utf8",
          stdio: ["ignore", "pipe", "pipe"],
          maxBuffer: 64 << 20,
        });
        // The OSPF packet checksum: one verdict per packet, each "[correct]".
        const verdicts = verbose.split("\n").filter((l) => /^\s+Checksum: 0x[0-9a-f]{4} \[/.test(l));
        expect(verdicts.length, f).toBe(rows.length);
        for (const v of verdicts) expect(v, f).toMatch(/\[correct\]$/);
        expect(verbose).not.toMatch(/incorrect|Malformed/);
      }
      expect(packets).toBeGreaterThan(100);
      expect([...types].sort()).toEqual(["1", "2", "3", "4", "5"]);
      expect(lsaTypes.has("1")).toBe(true);
      expect(lsaTypes.has("2")).toBe(network === "broadcast");
    });
});
