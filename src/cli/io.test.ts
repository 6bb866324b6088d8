/**
 * Files a topology brings in, and the topology itself, read within bounds (issue 17): a
 * containerlab bind of /etc/shadow made `routelab check` print its lines, one of /dev/zero took
 * 16.8 GB; a 1,000,000-node file passed `check` and `run` died of V8 out-of-memory after 173 s.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { MAX_INCLUDED_FILE_BYTES, MAX_NODES, MAX_TOPOLOGY_BYTES } from "../core/limits.js";
import { LabError } from "../core/errors.js";
import { loadTopologyFile } from "./io.js";

const dir = mkdtempSync(join(tmpdir(), "routelab-io-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const CONF =
  "frr version 10\n!\ninterface eth1\n ip address 10.0.0.1/24\n!\nrouter rip\n network 10.0.0.0/24\n!\n";

/** A two-router containerlab file whose r1 binds `source` onto /etc/frr/frr.conf. */
function clab(name: string, source: string): string {
  const file = join(dir, name);
  writeFileSync(
    file,
    `name: t
topology:
  nodes:
    r1:
      kind: linux
      binds:
        - ${source}:/etc/frr/frr.conf
    r2: {kind: linux}
  links:
    - endpoints: ["r1:eth1", "r2:eth1"]
`,
  );
  return file;
}

/** The message loading `file` fails with. */
function refusal(file: string): string {
  try {
    loadTopologyFile(file);
  } catch (e) {
    return e instanceof LabError ? e.format() : String(e);
  }
  throw new Error(`${file} loaded`);
}

describe("a containerlab bind", () => {
  it("of a host file is refused at the bind's line and column, and nothing of it is shown", () => {
    const m = refusal(clab("shadow.clab.yml", "/etc/shadow"));
    expect(m).toMatch(/shadow\.clab\.yml:7:11: .*\/etc\/shadow is outside the lab's folder/);
    expect(m).not.toMatch(/root:/);
    expect(refusal(clab("passwd.clab.yml", "../../../../../../etc/passwd"))).toMatch(
      /:7:11: .*outside the lab's folder/,
    );
  });

  it("through a symlink out of the folder, or of a device, is refused; /dev/zero is not read", () => {
    symlinkSync("/etc/passwd", join(dir, "link.conf"));
    expect(refusal(clab("link.clab.yml", "link.conf"))).toMatch(
      /:7:11: .*link\.conf is outside the lab's folder/,
    );
    expect(refusal(clab("zero.clab.yml", "/dev/zero"))).toMatch(/:7:11: .*outside the lab's folder/);
    mkdirSync(join(dir, "sub"));
    execFileSync("mkfifo", [join(dir, "sub", "fifo")]);
    expect(refusal(clab("fifo.clab.yml", "sub/fifo"))).toMatch(/:7:11: .*sub\/fifo is not a regular file/);
    expect(refusal(clab("dir.clab.yml", "sub"))).toMatch(/:7:11: .*sub is not a regular file/);
  });

  it("of a file larger than the bound is refused; a file beside the topology is read", () => {
    writeFileSync(join(dir, "big.conf"), "!\n".repeat(MAX_INCLUDED_FILE_BYTES / 2 + 1));
    expect(refusal(clab("big.clab.yml", "big.conf"))).toMatch(/:7:11: .*big\.conf is larger than 1 MiB/);
    writeFileSync(join(dir, "r1.conf"), CONF);
    const topo = loadTopologyFile(clab("ok.clab.yml", "r1.conf"));
    expect(topo.nodes.find((n) => n.name === "r1")!.notes).toContain("read r1.conf: routing rip");
    expect(topo.links[0]!.a.addr).toBe(0x0a000001);
  });
});

describe("the size of a lab", () => {
  it("a file with more nodes than routelab runs is refused at the first one too many, at once", () => {
    const file = join(dir, "huge.edges");
    const lines: string[] = [];
    for (let i = 0; i < MAX_NODES / 2 + 1; i++) lines.push(`a${i} b${i}`);
    writeFileSync(file, `${lines.join("\n")}\n`);
    expect(refusal(file)).toMatch(
      new RegExp(
        `huge\\.edges:${MAX_NODES / 2 + 1}:1: ${MAX_NODES + 2} nodes: routelab runs at most ${MAX_NODES} nodes`,
      ),
    );
  });

  it("a file larger than the byte limit is refused before it is parsed", () => {
    const file = join(dir, "big.yaml");
    writeFileSync(file, `# ${"x".repeat(MAX_TOPOLOGY_BYTES)}\n`);
    expect(refusal(file)).toMatch(/is larger than 8 MiB, the most routelab reads/);
  });
});
