import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createSimLab } from "../engines/sim/index.js";
import { RELAY_COMMANDS } from "../lab/relay-conformance.testkit.js";
import { loadTopologyText } from "../topology/index.js";
import { FakeLab } from "./fake-lab.testkit.js";
import { UserLimits } from "./limits.js";
import { openTerminal, type Terminal } from "./terminal.js";

describe("openTerminal", () => {
  it("opens the same shell for any transport, with role-aware completion and a session cap", async () => {
    const lab = new FakeLab();
    const limits = new UserLimits({ maxSessions: 1 });
    let out = "";
    const exits: number[] = [];
    const t = openTerminal({
      lab,
      user: "carol",
      role: "instructor",
      limits,
      write: (s) => (out += s),
      onExit: (c) => exits.push(c),
      commands: () => ["ping"],
    }) as Terminal;
    expect(out).toContain("logged in as carol (instructor) on vm1");
    expect(out).toMatch(/carol@vm1\$ $/);
    expect(
      openTerminal({ lab, user: "carol", role: "instructor", limits, write: () => {}, onExit: () => {} }),
    ).toMatch(/too many sessions/);
    t.input("li\t");
    expect(t.session.line.text).toBe("link ");
    t.input("down vm1 vm3\r");
    await t.session.idle();
    expect(lab.changes).toEqual(["link vm1 vm3 down"]);
    t.input("ssh 10.0.2.1\r"); // by address
    expect(t.session.node).toBe("vm2");
    t.input("exit\rexit\r");
    expect(exits).toEqual([0]);
    // the slot is free again
    const again = openTerminal({
      lab,
      user: "carol",
      role: "student",
      limits,
      write: () => {},
      onExit: () => {},
    });
    expect(typeof again).toBe("object");
    (again as Terminal).input("li\t");
    expect((again as Terminal).session.line.text).toBe("li");
    (again as Terminal).close();
    expect(limits.sessionsOf("carol")).toBe(0);
  });
});

describe("a terminal on a router that crashes", () => {
  it("loses the connection: the command ends cut off, the session falls back to where it came from", async () => {
    const seed = readFileSync(join(import.meta.dirname, "..", "..", "examples", "seed.yaml"), "utf8");
    const lab = createSimLab(loadTopologyText(seed, "seed.yaml"));
    await lab.advance(60e9);
    let out = "";
    const t = openTerminal({
      lab,
      user: "alice",
      role: "student",
      limits: new UserLimits({}),
      write: (s) => (out += s),
      onExit: () => {},
    }) as Terminal;
    t.input("ssh vm4\rping vm9\r");
    // ssh is a TCP connection to vm4's port 22 now: the ping typed ahead starts once it lands.
    await lab.advanceUntil(() => t.session.node === "vm4" && t.session.busy, 1e9);
    await lab.advance(2_500e6);
    lab.setNode("vm4", false);
    await lab.advance(5e9);
    await t.session.idle();
    const tail = out.slice(out.indexOf("alice@vm4$ ping vm9"));
    expect(tail).toMatch(
      /^alice@vm4\$ ping vm9\r\nPING vm9 \(10\.0\.90\.2\): 56 data bytes\r\n(64 bytes from .*\r\n){3}Connection to vm4 lost: vm4 went down\.\r\n\r\x1b\[Jalice@vm1\$ $/,
    );
    expect(t.session.node).toBe("vm1");
    // And it stays unreachable until it boots: vm1 lost the link to vm4's address with its
    // carrier, so the connect fails at once (EHOSTUNREACH), as FreeBSD's ssh prints it.
    t.input("ssh vm4\r");
    await lab.advance(1e9);
    await t.session.idle();
    expect(out).toMatch(/ssh: connect to host vm4 port 22: No route to host\r\n\r\x1b\[Jalice@vm1\$ $/);
    lab.setNode("vm4", true);
    await lab.advance(1e9);
    t.input("ssh vm4\r");
    await lab.advance(1e9);
    await t.session.idle();
    expect(t.session.node).toBe("vm4");
    t.close();
  });
});

describe("help in a terminal", () => {
  const seed = readFileSync(join(import.meta.dirname, "..", "..", "examples", "seed.yaml"), "utf8");
  async function helpAs(role: "student" | "instructor"): Promise<string> {
    const lab = createSimLab(loadTopologyText(seed, "seed.yaml"));
    let out = "";
    const t = openTerminal({
      lab,
      user: "ann",
      role,
      limits: new UserLimits({}),
      write: (s) => (out += s),
      onExit: () => {},
    }) as Terminal;
    out = "";
    t.input("help\r");
    await lab.advance(1e9);
    await t.session.idle();
    t.close();
    return out.replaceAll("\r\n", "\n");
  }

  it("lists every command the person may run: the router's, the session's, and the lab's for instructors", async () => {
    const student = await helpAs("student");
    // The router's own commands, then the session's (it runs them itself: ssh, exit …).
    for (const c of [
      "ping",
      "traceroute",
      "netstat",
      "route",
      "rtquery",
      "ripstatus",
      "ssh",
      "exit",
      "history",
      "clear",
    ])
      expect(student).toMatch(new RegExp(`\\n  ${c} +\\S`));
    expect(student).toContain("\nIn this session:\n  ssh         log in to another router from this one");
    expect(student).not.toMatch(/\n {2}(link|node|clock) /);
    const instructor = await helpAs("instructor");
    expect(instructor).toContain(
      "\nInstructor commands (the whole lab):\n" +
        "  link        take a link down or up, or change it (link down vm1 vm2 [--silent]; link vm1 vm2 delay 20ms loss 10%)\n" +
        "  node        crash a router or boot it again (node down vm3; node up vm3)\n" +
        "  clock       show the lab's clock, or pause, resume or change its speed (clock speed 2)\n",
    );
  });
});

describe("a student's redirection in a terminal", () => {
  it("appends the post's line to the node's /etc/services; a pipe is still refused", async () => {
    const relay = readFileSync(
      join(import.meta.dirname, "..", "..", "examples", "lessons", "relay.yaml"),
      "utf8",
    );
    const lab = createSimLab(loadTopologyText(relay, "relay.yaml"));
    let out = "";
    const t = openTerminal({
      lab,
      user: "alice",
      role: "student",
      limits: new UserLimits({}),
      node: "relay",
      write: (s) => (out += s),
      onExit: () => {},
    }) as Terminal;
    t.input('echo "hoge-ssh 50022/tcp" >> /etc/services\r');
    await lab.advance(1e9);
    await t.session.idle();
    t.input("cat /etc/services | grep hoge\r");
    await lab.advance(1e9);
    await t.session.idle();
    t.close();
    expect(out).not.toContain('">" is not supported');
    expect(out).toContain('Syntax error: "|" is not supported here (one command per line)');
    let services = "";
    const cat = lab.exec("relay", "cat /etc/services", { write: (s) => (services += s) });
    await lab.advance(1e9);
    expect(await cat.done).toBe(0);
    expect(services).toMatch(/\nhoge-ssh 50022\/tcp\n$/);
  });
});

describe("ssh in a terminal travels over the lab's network", () => {
  it("lands on the node whose sshd answered: the old address leads to the moved server (the post of 2011-04-05)", async () => {
    const relay = readFileSync(
      join(import.meta.dirname, "..", "..", "examples", "lessons", "relay.yaml"),
      "utf8",
    );
    const lab = createSimLab(loadTopologyText(relay, "relay.yaml"));
    await lab.advance(2e9);
    for (const line of RELAY_COMMANDS) {
      const x = lab.exec("relay", line);
      await lab.advanceUntil(() => x.exitCode !== undefined, 10e9);
    }
    const states: string[] = [];
    lab.onEvent((e) => {
      if (e.kind === "socket" && e.node === "client") states.push(e.state);
    });
    let out = "";
    const t = openTerminal({
      lab,
      user: "alice",
      role: "student",
      limits: new UserLimits({}),
      node: "client",
      write: (s) => (out += s),
      onExit: () => {},
    }) as Terminal;
    t.input("ssh 192.168.10.200\r");
    await lab.advance(1e9);
    await t.session.idle();
    expect(t.session.node).toBe("server");
    expect(out).toMatch(/alice@client\$ ssh 192\.168\.10\.200\r\n\r\x1b\[Jalice@server\$ $/);
    expect(states).toEqual(["SYN_SENT", "ESTABLISHED"]);
    t.input("exit\r");
    await lab.advance(1e9);
    expect(out).toMatch(/Connection to 192\.168\.10\.200 closed\.\r\n\r\x1b\[Jalice@client\$ $/);
    // exit closes the connection: the client sends its FIN.
    expect(states.slice(2, 3)).toEqual(["FIN_WAIT_1"]);
    t.close();
  });
});
