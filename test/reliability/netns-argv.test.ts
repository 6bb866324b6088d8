/**
 * Property: on the netns engine a command line, through the shell's front end and the netns
 * ShellContext (a fake kernel records what would run), becomes an argument array for a
 * whitelisted program (ping, traceroute, vtysh, ip) or an `ip route` call, and nothing else —
 * whatever is typed, by root or a user. No word can
 * switch namespace, read a batch file, change state or sneak a NUL; hosts are plain names or
 * addresses; every option passed on is one the mapping knows. Nothing reaches a shell (the
 * engine only ever calls execFile/spawn with arrays: engines/netns/sys.ts).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { runOnFakeNode } from "../../src/engines/netns/fake-node.testkit.js";

const RUNS = Number(process.env.RELIABILITY_RUNS ?? 50);
const WORDS = [
  "ping",
  "traceroute",
  "vtysh",
  "ip",
  "netstat",
  "hostname",
  "help",
  "sh",
  "bash",
  "-c",
  "-i",
  "-n",
  "-b",
  "-f",
  "-m",
  "-s",
  "-S",
  "-t",
  "-W",
  "-D",
  "-I",
  "-p",
  "-q",
  "-w",
  "-batch",
  "-force",
  "-netns",
  "--",
  "-4",
  "-j",
  "route",
  "addr",
  "link",
  "neigh",
  "netns",
  "exec",
  "add",
  "del",
  "flush",
  "show",
  "get",
  "save",
  "/etc/passwd",
  "/var/run/netns/x",
  "'show ip rip'",
  "'configure terminal'",
  "'show ip rip; reboot'",
  "'show version\nconfigure terminal\nno router rip'",
  '"show ip rip\rconf t"',
  "vm1",
  "10.0.10.1",
  "-1",
  "0",
  "3",
  "1.5",
  "65001",
  "$(reboot)",
  "`id`",
  ";",
  "&&",
  "|",
  ">",
  "x\u0000y",
  "\u00e9",
  "a".repeat(100),
];
const line = fc
  .array(fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...WORDS) }, fc.string({ maxLength: 12 })), {
    maxLength: 8,
  })
  .map((ws) => ws.join(" "));

const HOST = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

describe("netns engine: command lines become safe argument arrays", () => {
  it("maps anything typed to a whitelisted argv or an error, never a shell", async () => {
    await fc.assert(
      fc.asyncProperty(line, fc.constantFrom("root", "alice"), async (l, user) => {
        const r = await runOnFakeNode(l, {}, user);
        for (const args of r.ip) {
          // iproute2 underneath route(8): one route change or lookup of this namespace, nothing else.
          expect(["route"], l).toContain(args[0] === "-4" ? args[2] : args[0]);
          for (const a of args)
            expect(["-n", "-netns", "-batch", "-b", "-force", "netns"], l).not.toContain(a);
        }
        for (const m of r.spawned) {
          // vtysh runs under `env VTYSH_HISTFILE=/dev/null` (no shared history file), nothing else.
          const argv = m[0] === "env" ? m.slice(2) : m;
          if (m[0] === "env") expect(m.slice(0, 3)).toEqual(["env", "VTYSH_HISTFILE=/dev/null", "vtysh"]);
          expect(["ping", "traceroute", "vtysh", "ip"]).toContain(argv[0]);
          for (const a of argv) expect(a, l).not.toMatch(/\u0000/);
          switch (argv[0]) {
            case "ping": {
              expect(argv.at(-1)!, l).toMatch(HOST);
              for (const a of argv.slice(1, -1))
                if (a.startsWith("-"))
                  expect(["-c", "-i", "-t", "-s", "-w", "-W", "-n", "-q", "-Q"], l).toContain(a);
              break;
            }
            case "traceroute": {
              expect(argv.at(-2)!, l).toMatch(HOST);
              for (const a of argv.slice(1, -2))
                if (a.startsWith("-"))
                  expect(["-n", "-I", "-f", "-m", "-q", "-w", "-p", "-t"], l).toContain(a);
              break;
            }
            case "vtysh":
              expect(argv.slice(0, 3)).toEqual(["vtysh", "--vty_socket", "/run/frr/vm1"]);
              // vtysh runs each line of a -c as a command: -c and one read-only line, each, nothing
              // else (shell/cmd/vtysh.ts: a show command, no control character, no filter).
              expect(argv.length % 2, l).toBe(1);
              for (let i = 3; i < argv.length; i += 2) {
                expect(argv[i]).toBe("-c");
                const line = argv[i + 1]!;
                expect(line.trim().split(/\s+/)[0], l).toMatch(/^(sh|sho|show)$/i);
                expect(line, l).not.toMatch(/[\u0000-\u001f\u007f|]/);
              }
              break;
            case "ip":
              for (const a of argv.slice(1)) {
                expect(["-n", "-netns", "-batch", "-b", "-force", "netns"], l).not.toContain(a);
                if (a.startsWith("-"))
                  expect(["-4", "-s", "-j", "-d", "-br", "-brief", "-p", "-c"], l).toContain(a);
              }
              expect(argv.slice(1).filter((a) => !a.startsWith("-"))[1] ?? "show", l).toMatch(
                /^(show|list|ls|get)$/,
              );
              break;
          }
        }
      }),
      { numRuns: RUNS * 10 },
    );
  });
});
