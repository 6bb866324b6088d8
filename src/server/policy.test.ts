import fc from "fast-check";
import { afterEach, describe, expect, it, vi } from "vitest";
import { FakeLab } from "./fake-lab.testkit.js";
import { UserLimits } from "./limits.js";
import { checkCommandAllowed, commandWords } from "./policy.js";
import { createUserExec, EX_NOPERM, EX_STOPPED } from "./user-exec.js";

const student = (line: string) => checkCommandAllowed("alice", "student", line);

describe("checkCommandAllowed", () => {
  it("lets students ping and traceroute normally", () => {
    for (const l of [
      "ping vm5",
      "ping -c 5 vm5",
      "ping -i 1 -c 10 vm5",
      "ping -s 56 vm5",
      "ping -c 3 vm5 &",
      "ping -nqc3 vm5",
      "traceroute vm6",
      "traceroute -q 3 -m 30 vm6",
      "netstat -rn",
      "route get vm6",
      "ifconfig",
      "ifconfig epair0a",
      "sysctl net.inet.ip.forwarding",
    ])
      expect(student(l), l).toBeUndefined();
  });

  it("refuses flood, preload, fast, huge pings and big traceroutes for students, with reasons", () => {
    // No offer of flood ping to anyone: routelab's ping has no -f (issue 16).
    expect(student("ping -f vm5")).toBe("ping: -f flag: Operation not permitted");
    expect(student("ping -nf vm5")).toMatch(/-f flag/);
    expect(student("ping -l 5 vm5")).toMatch(/-l flag/);
    // FreeBSD 8's ping.c refuses a user who is not root an interval under 1 s and a payload
    // over DEFDATALEN (56): sbin/ping/ping.c (releng/9.3 r209366) lines 359-361 and the -s case.
    expect(student("ping -i 0.5 vm5")).toBe(
      "ping: -i interval too short: Operation not permitted (at least 1 s unless root)",
    );
    expect(student("ping -s 57 vm5")).toBe("ping: packet size too large: 57 > 56: Operation not permitted");
    expect(student("ping -G 100 vm5")).toMatch(/packet size too large: 100 > 56/);
    expect(student("ping -i0.01 vm5")).toMatch(/interval too short/);
    expect(student("ping -i nan vm5")).toMatch(/interval too short/);
    expect(student("ping -c 100000 vm5")).toMatch(/too many packets.*1000/);
    expect(student("ping -qc100000 vm5")).toMatch(/too many packets/);
    expect(student("ping -s 65000 vm5")).toMatch(/packet size too large/);
    expect(student("traceroute -q 50 vm6")).toMatch(/too many probes/);
    expect(student("traceroute -m 255 vm6")).toMatch(/too many hops/);
  });

  it("sees through quotes and operators", () => {
    expect(student("p'in'g -f vm5")).toMatch(/-f flag/);
    expect(student('"ping" "-f" vm5')).toMatch(/-f flag/);
    expect(student("echo hi; ping -f vm5")).toMatch(/Syntax error: ";" is not supported/);
    expect(student("echo hi | link down vm1 vm2")).toMatch(/Syntax error: "\|"/);
    expect(student("ping -f vm5 &")).toMatch(/-f flag/);
    expect(student("l\\ink down vm1 vm2")).toMatch(/only an instructor/);
    expect(student("# link down vm1 vm2")).toBeUndefined();
  });

  it("lets a student redirect output to a file on the node (the post's echo >> /etc/services), no more", () => {
    // The seed's post of 2011-04-05 appends its service with sh's `>>`: the file is the node's
    // own bounded one (sim/node-system.ts; /etc/netns/NS on netns), never the host's.
    expect(student('echo "hoge-ssh 50022/tcp" >> /etc/services')).toBeUndefined();
    expect(student("echo hello > /tmp/greeting")).toBeUndefined();
    expect(student("netstat -rn >/tmp/routes &")).toBeUndefined();
    // What the redirected command is still judged as itself, and the rest of sh stays refused.
    expect(student("ping -f vm5 > /tmp/x")).toMatch(/-f flag/);
    expect(student("route add x y >> /tmp/x")).toMatch(/must be root/);
    expect(student("echo hi | cat")).toMatch(/Syntax error: "\|" is not supported here/);
    expect(student("echo hi > /tmp/x | cat")).toMatch(/Syntax error: "\|" is not supported here/);
    expect(student("echo hi; ping vm5 > /tmp/x")).toMatch(/Syntax error: ";" is not supported/);
    expect(student("cat < /etc/services")).toMatch(/Syntax error: "<" is not supported/);
    expect(student("echo hi >")).toMatch(/Syntax error: newline unexpected/);
    expect(student("echo a > /tmp/x > /tmp/y")).toMatch(/one redirection per line/);
  });

  it("reads a line with the shell's own parser: an escaped quote hides nothing (issue 17)", () => {
    // The policy's own splitter ended the quoted word at the escaped quote and took the rest,
    // `#" -c 100000`, for a comment: the shell then ran ping with -c 100000.
    expect(student('ping -t 3"\\" #" -c 100000 vm5')).toMatch(/too many packets.*1000/);
    expect(student('ping -c 3 "vm5')).toMatch(/Unterminated quoted string/);
    expect(student("ping -c 3 vm5 # -c 100000")).toBeUndefined();
  });

  it("keeps network changes and controls for instructors", () => {
    expect(student("link down vm1 vm2")).toMatch(/^link: permission denied: only an instructor/);
    expect(student("node down vm3")).toMatch(/^node: permission denied/);
    expect(student("clock speed 10")).toMatch(/^clock: permission denied/);
    expect(student("route add 10.0.99.0/24 10.0.10.2")).toMatch(/must be root to alter routing table/);
    expect(student("route -n delete 10.0.99.0/24")).toMatch(/must be root/);
    expect(student("ifconfig epair0a down")).toMatch(/SIOCSIFFLAGS/);
    expect(student("sysctl net.inet.ip.forwarding=0")).toMatch(/permission denied/);
    expect(checkCommandAllowed("alice", "anonymous", "link down vm1 vm2")).toMatch(/only an instructor/);
    for (const l of [
      "link down vm1 vm2",
      "ping -f -i 0.01 -c 100000 vm5",
      "route add x y",
      "ifconfig epair0a down",
    ])
      expect(checkCommandAllowed("carol", "instructor", l)).toBeUndefined();
  });

  it("never throws on any line", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => {
        const r = student(s);
        expect(r === undefined || typeof r === "string").toBe(true);
        expect(typeof commandWords(s).ok).toBe("boolean");
      }),
      { numRuns: 500 },
    );
  });
});

describe("UserLimits", () => {
  it("caps concurrent commands and sessions per user", () => {
    const l = new UserLimits({ maxConcurrent: 2, maxSessions: 1 });
    const a = l.startCommand("alice");
    const b = l.startCommand("alice");
    expect(typeof a).toBe("function");
    expect(l.startCommand("alice")).toMatch(/too many commands running \(limit 2\)/);
    expect(typeof l.startCommand("bob")).toBe("function");
    (a as () => void)();
    (a as () => void)(); // releasing twice frees one slot only
    expect(l.commandsOf("alice")).toBe(1);
    expect(typeof l.startCommand("alice")).toBe("function");
    expect(typeof b).toBe("function");
    expect(typeof l.startSession("alice")).toBe("function");
    expect(l.startSession("alice")).toMatch(/too many sessions/);
  });
});

describe("createUserExec", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("runs as the user, refuses by policy, runs instructor controls, caps output and concurrency", async () => {
    // The fake ping prints a line every 20 ms of (fake) time: the test decides how much passes,
    // so a loaded machine cannot make it see fewer lines.
    vi.useFakeTimers();
    const lab = new FakeLab();
    const limits = new UserLimits({ maxConcurrent: 1, maxOutput: 300 });
    const alice = createUserExec({ lab, user: "alice", role: "student", limits });
    const carol = createUserExec({ lab, user: "carol", role: "instructor", limits });
    let out = "";
    const w = (s: string) => {
      out += s;
    };
    expect(await alice("vm1", "echo hi", w).done).toBe(0);
    expect(lab.ran[0]).toEqual({ node: "vm1", line: "echo hi", user: "alice" });
    expect(await alice("vm1", "link down vm1 vm2", w).done).toBe(EX_NOPERM);
    expect(out).toContain("only an instructor");
    expect(lab.changes).toEqual([]);
    expect(await carol("vm1", "link down vm1 vm2 --silent", w).done).toBe(0);
    expect(await carol("vm1", "node up vm3", w).done).toBe(0);
    expect(await carol("vm1", "link sideways vm1 vm2", w).done).toBe(64);
    expect(await carol("vm1", "link down vm1 nowhere", w).done).toBe(1);
    expect(out).toContain("link: unknown node 'nowhere'");
    expect(await alice("vm1", "link vm1 vm2 loss 50%", w).done).toBe(EX_NOPERM);
    expect(await carol("vm1", "link vm1 vm2 delay 20ms loss 10%", w).done).toBe(0);
    expect(out).toContain("link vm1-vm2 delay 20ms loss 10%\n");
    expect(await carol("vm1", "link vm1 vm2 loss lots", w).done).toBe(64);
    expect(out).toContain("link loss: 'lots' is not a loss rate (write 0.01 or 1%)\n");
    expect(lab.changes).toEqual([
      "link vm1 vm2 down silent",
      "node vm3 up",
      "link vm1 vm2 delay 20ms loss 10%",
    ]);
    // one command at a time for alice
    const ping = alice("vm1", "ping vm2", w);
    expect(await alice("vm1", "echo again", w).done).toBe(EX_NOPERM);
    expect(out).toContain("too many commands running (limit 1)");
    await vi.advanceTimersByTimeAsync(70);
    ping.interrupt();
    expect(await ping.done).toBe(0);
    expect(out).toMatch(/icmp_seq=2 .*\n\n--- vm2 ping statistics ---\n3 packets transmitted/s);
    expect(limits.commandsOf("alice")).toBe(0);
    // output beyond 300 characters stops the command
    out = "";
    expect(await alice("vm1", "spew 500", w).done).toBe(EX_STOPPED);
    expect(out).toMatch(/^x{300}\n\[output limit of 300 characters reached; command stopped\]\n$/);
    expect(() => alice("nowhere", "echo", w)).toThrow(/unknown node/);
    expect(limits.commandsOf("alice")).toBe(0);
  });
});
