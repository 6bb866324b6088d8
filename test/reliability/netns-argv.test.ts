/**
 * Property: on the netns engine a command line becomes an argument array for a whitelisted
 * program (ping, traceroute, vtysh, ip) and nothing else — whatever is typed. No word can
 * switch namespace, read a batch file, change state or sneak a NUL; hosts are plain names or
 * addresses; every option passed on is one the mapping knows. Nothing reaches a shell (the
 * engine only ever calls execFile/spawn with arrays: engines/netns/sys.ts).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { mapCommand } from "../../src/engines/netns/commands.js";

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
  it("maps anything typed to a whitelisted argv or an error, never a shell", () => {
    fc.assert(
      fc.property(line, fc.integer({ min: 0, max: 63 }), (l, tos) => {
        const m = mapCommand(l, "vm1", tos, "/run/frr/vm1");
        if (m.kind !== "spawn") return;
        // vtysh runs under `env VTYSH_HISTFILE=/dev/null` (no shared history file), nothing else.
        const argv = m.argv[0] === "env" ? m.argv.slice(2) : m.argv;
        if (m.argv[0] === "env")
          expect(m.argv.slice(0, 3)).toEqual(["env", "VTYSH_HISTFILE=/dev/null", "vtysh"]);
        expect(["ping", "traceroute", "vtysh", "ip"]).toContain(argv[0]);
        for (const a of argv) expect(a, l).not.toMatch(/\u0000/);
        switch (argv[0]) {
          case "ping": {
            const host = argv.at(-1)!;
            expect(host, l).toMatch(HOST);
            for (const a of argv.slice(1, -1))
              if (a.startsWith("-"))
                expect(["-c", "-i", "-t", "-s", "-w", "-W", "-I", "-M", "-n", "-q", "-Q"], l).toContain(a);
            break;
          }
          case "traceroute": {
            const host = argv.at(-2)!;
            expect(host, l).toMatch(HOST);
            for (const a of argv.slice(1, -2))
              if (a.startsWith("-"))
                expect(["-n", "-I", "-f", "-m", "-q", "-w", "-p", "-s", "-t"], l).toContain(a);
            break;
          }
          case "vtysh":
            expect(argv.slice(0, 3)).toEqual(["vtysh", "--vty_socket", "/run/frr/vm1"]);
            expect(argv[3]).toBe("-c");
            expect(argv[4], l).toMatch(/^(show|sh)\s/);
            // vtysh runs each line of -c as a command: one line, read-only, nothing else.
            expect(argv[4], l).not.toMatch(/[\u0000-\u001f\u007f]/);
            expect(argv).toHaveLength(5);
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
      }),
      { numRuns: RUNS * 40 },
    );
  });
});
