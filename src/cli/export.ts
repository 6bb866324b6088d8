/**
 * @module cli/export
 * `routelab export TOPOLOGY --format containerlab --out DIR`: writes the lab for containerlab
 * (one Docker host) or clabernetes (a Kubernetes cluster) — `DIR/NAME.clab.yml`, per router
 * `DIR/NODE/frr.conf` and `DIR/NODE/daemons`, and `DIR/netem.sh` when links are shaped
 * (topology/export-containerlab.ts makes the text; this file only checks the directory and
 * writes). `--format kathara` writes a Kathará lab directory instead (lab.conf, NODE.startup,
 * NODE/etc/frr/…: topology/export-kathara.ts), for `kathara lstart`. An existing directory with anything in it is left alone unless `--force` is given,
 * so an export never mixes with or overwrites someone's files by accident.
 */
import { chmodSync, mkdirSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { type Command, Option } from "commander";
import { LabError } from "../core/errors.js";
import { exportContainerlab, exportKathara } from "../topology/index.js";
import { loadTopologyFile } from "./io.js";

export const EXPORT_FORMATS = ["containerlab", "kathara"] as const;

export interface ExportArgs {
  topology: string;
  format: (typeof EXPORT_FORMATS)[number];
  out: string;
  force?: boolean | undefined;
  image?: string | undefined;
  write: (s: string) => void;
}

/** Why a path cannot be written, in words. */
function ioReason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  switch (code) {
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "EROFS":
      return "read-only file system";
    case "ENOTDIR":
      return "a part of the path is a file, not a directory";
    case "EEXIST":
      return "exists and is not a directory";
    case "ENOSPC":
      return "no space left on the device";
    default:
      return (e as Error).message;
  }
}

/** Makes sure `dir` is a directory we may fill: created if missing, empty unless `force`. */
function prepareDir(dir: string, force: boolean): void {
  let st: ReturnType<typeof statSync> | undefined;
  try {
    st = statSync(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT")
      throw new LabError(`cannot use output directory: ${ioReason(e)}`, { file: dir, field: "--out" }, "io");
  }
  if (st && !st.isDirectory())
    throw new LabError("output path exists and is not a directory", { file: dir, field: "--out" }, "io");
  if (st && !force && readdirSync(dir).length > 0)
    throw new LabError(
      "output directory is not empty (use --force to write into it; files of the same name are replaced)",
      { file: dir, field: "--out" },
      "io",
    );
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new LabError(`cannot create output directory: ${ioReason(e)}`, { file: dir, field: "--out" }, "io");
  }
}

/** Exports a topology file; throws LabError (positioned) for bad input or an unwritable directory. */
export function runExport(a: ExportArgs): void {
  const topo = loadTopologyFile(a.topology);
  if (a.format === "kathara" && a.image)
    throw new LabError(
      "--image is for containerlab: a Kathará export runs kathara/frr",
      { field: "--image" },
      "usage",
    );
  const exp =
    a.format === "kathara"
      ? { ...exportKathara(topo), topologyFile: "lab.conf" }
      : exportContainerlab(topo, a.image ? { image: a.image } : {});
  prepareDir(a.out, a.force ?? false);
  for (const [rel, text] of exp.files) {
    const path = join(a.out, rel);
    try {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, text);
      if (rel.endsWith(".sh")) chmodSync(path, 0o755);
    } catch (e) {
      throw new LabError(`cannot write: ${ioReason(e)}`, { file: path }, "io");
    }
  }
  const nodes = topo.nodes.length;
  a.write(
    `wrote ${join(a.out, exp.topologyFile)}: ${nodes} node${nodes === 1 ? "" : "s"}, ` +
      `${topo.links.length} link${topo.links.length === 1 ? "" : "s"}, ${exp.files.size} files\n`,
  );
  for (const n of exp.notes) a.write(`note: ${n}\n`);
  writeNextSteps(a, exp.topologyFile);
}

/** How to start what was written. */
function writeNextSteps(a: ExportArgs, topologyFile: string): void {
  if (a.format === "kathara") {
    a.write(`start with Kathará:  cd ${a.out} && kathara lstart\n`);
    return;
  }
  a.write(`deploy on one host:  containerlab deploy -t ${join(a.out, topologyFile)}\n`);
  a.write(
    `deploy on a cluster: cd ${a.out} && clabverter --stdout --naming non-prefixed | kubectl apply -f -\n`,
  );
}

/** Adds `export` to the program (main.ts calls this; errors reach main's exit-code mapping). */
export function registerExportCommand(p: Command, write: (s: string) => void): void {
  p.command("export")
    .description(
      "write a topology as a containerlab lab (containerlab, clabernetes) or a Kathará lab directory, with FRR configs",
    )
    .argument("<topology>", "topology file (.yaml, .clab.yml, .edges, .graphml, a Kathará lab directory)")
    .addOption(
      new Option("-f, --format <format>", "output format").choices(EXPORT_FORMATS).makeOptionMandatory(),
    )
    .requiredOption("-o, --out <dir>", "output directory (created; must be empty unless --force)")
    .option("--force", "write into a directory that is not empty")
    .option("--image <image>", "container image of the routers (default: a pinned FRR release)")
    .action(
      (
        topology: string,
        o: { format: ExportArgs["format"]; out: string; force?: boolean; image?: string },
      ) => {
        runExport({ topology, ...o, write });
      },
    );
}
