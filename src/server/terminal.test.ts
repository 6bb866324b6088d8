import { describe, expect, it } from "vitest";
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
