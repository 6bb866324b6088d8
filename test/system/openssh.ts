/**
 * The real OpenSSH client for the system tests: where it is, whether it is there (under CI a
 * missing client fails rather than skips), a password handed over through SSH_ASKPASS (OpenSSH
 * 8.4+), and one `ssh …` run to completion.
 */
import { spawn } from "node:child_process";
import { chmodSync, existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const SSH = "/usr/bin/ssh";
export const KEYGEN = "/usr/bin/ssh-keygen";

/** Whether the OpenSSH client (and ssh-keygen, when asked) is installed; under CI its absence throws. */
export function haveOpenSsh(tools: readonly string[] = [SSH]): boolean {
  const missing = tools.filter((t) => !existsSync(t));
  if (missing.length === 0) return true;
  if (process.env.CI === "true")
    throw new Error(`OpenSSH client required under CI: ${missing.join(", ")} not found`);
  return false;
}

/** An environment that makes ssh read `password` from an SSH_ASKPASS script written in `dir`. */
export function askpassEnv(dir: string, user: string, password: string): NodeJS.ProcessEnv {
  const askpass = join(dir, `askpass-${user}-${Math.random().toString(36).slice(2)}`);
  writeFileSync(askpass, `#!/bin/sh\necho '${password.replace(/'/g, "")}'\n`);
  chmodSync(askpass, 0o700);
  return { ...process.env, SSH_ASKPASS: askpass, SSH_ASKPASS_REQUIRE: "force", DISPLAY: ":0" };
}

/** `ssh ARGS…` to its end: standard output, standard error and the exit status. */
export function runSsh(
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ out: string; err: string; code: number | null }> {
  return new Promise((resolve) => {
    const p = spawn(SSH, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    p.stdout.on("data", (d) => {
      out += d;
    });
    p.stderr.on("data", (d) => {
      err += d;
    });
    p.on("close", (code) => resolve({ out, err, code }));
  });
}
