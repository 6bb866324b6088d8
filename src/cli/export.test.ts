/**
 * `routelab export`: the files it writes, and the errors and exit codes for bad input (unknown
 * format, a path that cannot be a directory, a non-empty directory without --force), as the
 * rest of the CLI has them: 1 for a file or topology fault, 2 for bad usage, no stack trace.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { clabSchemaErrors } from "../../test/clab-schema.js";
import { loadTopologyFile } from "./io.js";
import { main } from "./main.js";

const ROOT = join(import.meta.dirname, "..", "..");
const SEED = join(ROOT, "examples", "seed.yaml");

let dirs: string[] = [];
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), "rl-export-"));
  dirs.push(d);
  return d;
}

/** Runs the CLI in this process; returns exit code and what it printed. */
async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const o = vi.spyOn(process.stdout, "write").mockImplementation((s) => {
    out += String(s);
    return true;
  });
  const e = vi.spyOn(process.stderr, "write").mockImplementation((s) => {
    err += String(s);
    return true;
  });
  try {
    const code = await main(["node", "routelab", ...args]);
    return { code, out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

afterEach(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});

describe("routelab export", () => {
  it("writes the lab into a new directory, which routelab loads back", async () => {
    const out = join(tmp(), "lab");
    const r = await cli("export", SEED, "--format", "containerlab", "--out", out);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(r.out).toContain(`wrote ${out}/seed.clab.yml: 9 nodes, 9 links, 20 files\n`);
    expect(r.out).toContain(`containerlab deploy -t ${out}/seed.clab.yml`);
    expect(readdirSync(out).sort()).toEqual([
      "netem.sh",
      "seed.clab.yml",
      ...Array.from({ length: 9 }, (_, i) => `vm${i + 1}`),
    ]);
    expect(readdirSync(join(out, "vm3")).sort()).toEqual(["daemons", "frr.conf"]);
    expect(statSync(join(out, "netem.sh")).mode & 0o111).not.toBe(0);
    const yaml = readFileSync(join(out, "seed.clab.yml"), "utf8");
    expect(clabSchemaErrors(yaml)).toEqual([]);
    const back = loadTopologyFile(join(out, "seed.clab.yml"));
    expect(back.links.map((l) => `${l.a.node}:${l.a.iface}-${l.b.node}:${l.b.iface}`)[0]).toBe(
      "vm1:eth1-vm2:eth1",
    );
    expect(back.nodes.every((n) => n.routing === "rip")).toBe(true);
  });

  it("uses --image for every node", async () => {
    const out = tmp();
    expect(
      (await cli("export", SEED, "--format", "containerlab", "--out", out, "--image", "frr:x")).code,
    ).toBe(0);
    expect(readFileSync(join(out, "seed.clab.yml"), "utf8")).toContain('    image: "frr:x"\n');
  });

  it("refuses a non-empty directory without --force, and writes into it with --force", async () => {
    const out = tmp();
    writeFileSync(join(out, "mine.txt"), "keep me");
    const r = await cli("export", SEED, "--format", "containerlab", "--out", out);
    expect(r.code).toBe(1);
    expect(r.err).toBe(
      `routelab: ${out}: --out: output directory is not empty (use --force to write into it; files of the same name are replaced)\n`,
    );
    expect(readdirSync(out)).toEqual(["mine.txt"]);
    const f = await cli("export", SEED, "--format", "containerlab", "--out", out, "--force");
    expect(f.code).toBe(0);
    expect(readFileSync(join(out, "mine.txt"), "utf8")).toBe("keep me");
    expect(readdirSync(out)).toContain("seed.clab.yml");
  });

  it("names a path that cannot be a directory (exit 1, no stack)", async () => {
    const file = join(tmp(), "a-file");
    writeFileSync(file, "");
    const r = await cli("export", SEED, "--format", "containerlab", "--out", join(file, "lab"));
    expect(r.code).toBe(1);
    expect(r.err).toBe(
      `routelab: ${file}/lab: --out: cannot use output directory: a part of the path is a file, not a directory\n`,
    );
    const r2 = await cli("export", SEED, "--format", "containerlab", "--out", file);
    expect(r2.code).toBe(1);
    expect(r2.err).toMatch(/--out: output path exists and is not a directory\n$/);
  });

  it("answers an unknown or missing format with usage errors (exit 2)", async () => {
    const out = join(tmp(), "x");
    const r = await cli("export", SEED, "--format", "gns3", "--out", out);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/argument 'gns3' is invalid\. Allowed choices are containerlab, kathara\./);
    const m = await cli("export", SEED, "--out", out);
    expect(m.code).toBe(2);
    expect(m.err).toMatch(/required option '-f, --format <format>' not specified/);
    expect((await cli("export", SEED, "--format", "containerlab")).code).toBe(2);
    expect(() => statSync(out)).toThrow(); // nothing written
  });

  it("reports a bad topology with its position before touching the directory", async () => {
    const out = join(tmp(), "x");
    const bad = join(ROOT, "examples", "bad", "bad-loss.yaml");
    const r = await cli("export", bad, "--format", "containerlab", "--out", out);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/bad-loss\.yaml:\d+:\d+: /);
    expect(r.err).not.toMatch(/^\s+at /m);
    expect(() => statSync(out)).toThrow();
  });

  it("prints what README's excerpt shows", async () => {
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    const block =
      /\$ npx routelab export examples\/seed\.yaml --format containerlab --out (\S+)\n((?:.+\n)+?)…\n/.exec(
        readme,
      );
    expect(block).not.toBeNull();
    const out = join(tmp(), "seed-lab");
    const r = await cli("export", "examples/seed.yaml", "--format", "containerlab", "--out", out);
    const shown = block![2]!.replaceAll(block![1]!, out);
    expect(r.out.startsWith(shown)).toBe(true);
  });

  it("writes a Kathará lab directory, which check, run and export read back as a directory", async () => {
    const out = join(tmp(), "kat");
    const r = await cli("export", SEED, "--format", "kathara", "--out", out);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(r.out).toContain(`wrote ${out}/lab.conf: 9 nodes, 9 links, 37 files\n`);
    expect(r.out).toContain(`start with Kathará:  cd ${out} && kathara lstart\n`);
    expect(readdirSync(join(out, "vm3", "etc", "frr")).sort()).toEqual(["daemons", "frr.conf", "vtysh.conf"]);
    const c = await cli("check", out);
    expect(c.code).toBe(0);
    expect(c.out).toContain(`topology seed (${out}/lab.conf): 9 nodes, 9 links\n`);
    const back = loadTopologyFile(out);
    expect(back.links[0]).toMatchObject({ id: "vm1-vm2", a: { iface: "eth0" }, b: { iface: "eth0" } });
    // And from Kathará to containerlab: a Kathará directory exports like any topology.
    const clab = join(tmp(), "clab");
    expect((await cli("export", out, "--format", "containerlab", "--out", clab)).code).toBe(0);
    expect(readdirSync(clab)).toContain("seed.clab.yml");
  });

  it("refuses --image for a Kathará export (exit 2)", async () => {
    const r = await cli("export", SEED, "--format", "kathara", "--out", join(tmp(), "k"), "--image", "x");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--image: --image is for containerlab/);
  });
});
