/**
 * @module test/system/up-process
 * `routelab up` as an instructor starts it, in a child process: waits for the banner, reads
 * from it what a person would (the page's URL, the SSH port, the first login's password), and
 * stops it with SIGTERM as Ctrl-C would.
 */
import { type ChildProcess, spawn } from "node:child_process";

export interface UpProcess {
  child: ChildProcess;
  banner: string;
  /** `http://127.0.0.1:PORT/` as printed. */
  url: string;
  sshPort: number | undefined;
  /** The one-time password printed when the users file was made. */
  password: string | undefined;
  /** Everything printed so far. */
  stdout(): string;
  stderr(): string;
  stop(): Promise<number | null>;
}

/** Spawns `command args` (a routelab up) and resolves once its banner is complete. */
export function startUp(
  command: string,
  args: string[],
  opts: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<UpProcess> {
  // Its own process group: npx runs routelab as a child and does not pass SIGTERM on, so the
  // signal goes to the group, as a terminal's Ctrl-C does.
  const child = spawn(command, args, {
    cwd: opts.cwd,
    env: opts.env,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, sig);
    } catch {
      // already gone
    }
  };
  let out = "";
  let err = "";
  child.stdout!.on("data", (d) => {
    out += d;
  });
  child.stderr!.on("data", (d) => {
    err += d;
  });
  const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal("SIGKILL");
      reject(
        new Error(
          `no banner within ${opts.timeoutMs ?? 60_000} ms; stdout ${JSON.stringify(out)} stderr ${JSON.stringify(err)}`,
        ),
      );
    }, opts.timeoutMs ?? 60_000);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`routelab up exited (${code}) before its banner: ${err}`));
    });
    const check = () => {
      if (!out.includes("stop with Ctrl-C\n")) return;
      clearTimeout(timer);
      child.stdout!.off("data", check);
      resolve({
        child,
        banner: out,
        url: /(http:\/\/127\.0\.0\.1:\d+\/)/.exec(out)![1]!,
        sshPort: Number(/ssh -p (\d+) /.exec(out)?.[1]) || undefined,
        password: /first login: user \S+, password (\S+)/.exec(out)?.[1],
        stdout: () => out,
        stderr: () => err,
        stop: () => {
          signal("SIGTERM");
          return exited;
        },
      });
    };
    child.stdout!.on("data", check);
  });
}
