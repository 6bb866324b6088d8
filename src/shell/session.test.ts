import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { KeyDecoder } from "./keys.js";
import { type ShellRun, ShellSession, type ShellSessionOptions } from "./session.js";
import { VtScreen } from "./vt-screen.testkit.js";

const NODES = ["vm1", "vm2", "vm3", "vm10"];
const COMMANDS = ["ping", "traceroute", "netstat", "ifconfig", "route", "hostname"];

interface Running {
  node: string;
  line: string;
  write: (s: string) => void;
  finish: (code: number) => void;
  interrupted: boolean;
}

function setup(o: Partial<ShellSessionOptions> & { cols?: number } = {}) {
  const cols = o.cols ?? 80;
  const screen = new VtScreen(cols);
  let raw = "";
  const ran: Running[] = [];
  const exits: number[] = [];
  const s = new ShellSession({
    user: "alice",
    startNode: "vm1",
    nodes: () => NODES,
    commands: () => COMMANDS,
    write: (x) => {
      raw += x;
      screen.write(x);
    },
    onExit: (c) => exits.push(c),
    exec: (node, line, write): ShellRun => {
      if (line === "boom") throw new Error("boom: command not found");
      let finish!: (c: number) => void;
      const done = new Promise<number>((r) => {
        finish = r;
      });
      const r: Running = { node, line, write, finish, interrupted: false };
      ran.push(r);
      if (line.startsWith("echo ")) {
        write(`${line.slice(5)}\n`);
        finish(0);
      } else if (line === "false") finish(1);
      else if (line === "noeol") {
        write("partial");
        finish(0);
      }
      return {
        done,
        interrupt: () => {
          r.interrupted = true;
          if (line.startsWith("ping")) {
            write(
              "\n--- vm5 ping statistics ---\n1 packets transmitted, 1 packets received, 0.0% packet loss\n",
            );
            finish(0);
          } else finish(130);
        },
      };
    },
    ...o,
  });
  s.start();
  const tick = () => new Promise((r) => setTimeout(r, 0));
  return { s, screen, ran, exits, raw: () => raw, tick };
}

describe("ShellSession", () => {
  it("prompts, runs a command through exec on the current node, and prompts again", async () => {
    const t = setup();
    expect(t.screen.text()).toBe("alice@vm1$");
    t.s.input("echo hello\r");
    await t.s.idle();
    await t.tick();
    expect(t.ran[0]).toMatchObject({ node: "vm1", line: "echo hello" });
    expect(t.screen.text()).toBe("alice@vm1$ echo hello\nhello\nalice@vm1$");
    // output \n became \r\n; no bare LF reaches the terminal
    expect(t.raw()).not.toMatch(/[^\r]\n/);
  });

  it("uses the root prompt for root", () => {
    const t = setup({ user: "root" });
    expect(t.screen.text()).toBe("vm1#");
  });

  it("edits the line: arrows, Home/End, backspace, delete, Ctrl-A/E/U/K/W", async () => {
    const t = setup();
    t.s.input("pnig");
    t.s.input("\x1b[D\x1b[D\x1b[D"); // cursor after 'p'
    t.s.input("\x1b[3~"); // delete 'n'
    t.s.input("\x1b[C"); // after 'i'
    t.s.input("n"); // "pin" + "g"
    expect(t.screen.currentLine()).toBe("alice@vm1$ ping");
    t.s.input("\x05 vm2"); // Ctrl-E, append
    t.s.input("\x01"); // Ctrl-A
    t.s.input("sudo ");
    expect(t.screen.currentLine()).toBe("alice@vm1$ sudo ping vm2");
    t.s.input("\x0b"); // Ctrl-K kills all after cursor
    expect(t.screen.currentLine()).toBe("alice@vm1$ sudo");
    t.s.input("\x7f\x7f\x7f\x7f\x7f"); // one backspace too many is harmless
    expect(t.screen.currentLine()).toBe("alice@vm1$");
    t.s.input("ping -c 1 vm2\x17\x17"); // Ctrl-W twice
    expect(t.screen.currentLine()).toBe("alice@vm1$ ping -c");
    t.s.input("\x1b[H\x1b[F"); // Home then End
    t.s.input(" 3\x15"); // Ctrl-U kills to start
    expect(t.screen.currentLine()).toBe("alice@vm1$");
    t.s.input("echo ok\r");
    await t.s.idle();
    expect(t.ran.map((r) => r.line)).toEqual(["echo ok"]);
    expect(t.screen.col).toBeGreaterThan(0);
  });

  it("keeps the screen right when a long line wraps and is edited in the middle", () => {
    const t = setup({ cols: 20 });
    const long = "traceroute -m 30 -q 1 -w 2 vm10";
    t.s.input(long);
    expect(t.screen.text()).toBe(
      `alice@vm1$ traceroute -m 30 -q 1 -w 2 vm10`
        .match(/.{1,20}/g)!
        .map((l) => l.trimEnd())
        .join("\n"),
    );
    // go to the start and insert: everything shifts over the wrap
    t.s.input("\x01XY");
    const full = `alice@vm1$ XY${long}`;
    expect(t.screen.text()).toBe(
      full
        .match(/.{1,20}/g)!
        .map((l) => l.trimEnd())
        .join("\n"),
    );
    expect(t.screen.row).toBe(0);
    expect(t.screen.col).toBe(13);
    // delete them again from the end of the first row
    t.s.input("\x7f\x7f");
    expect(t.screen.text()).toBe(
      `alice@vm1$ ${long}`
        .match(/.{1,20}/g)!
        .map((l) => l.trimEnd())
        .join("\n"),
    );
    // a line ending exactly at the margin puts the cursor on the next row
    t.s.input("\x05\x15");
    t.s.input("123456789");
    expect(t.screen.row).toBe(1);
    expect(t.screen.col).toBe(0);
    t.s.input("\x7f");
    expect(t.screen.row).toBe(0);
    expect(t.screen.col).toBe(19);
  });

  it("recalls history with up/down and keeps the draft", async () => {
    const t = setup();
    for (const l of ["echo one", "echo two", "echo two"]) {
      t.s.input(`${l}\r`);
      await t.s.idle();
    }
    t.s.input("draft");
    t.s.input("\x1b[A");
    expect(t.screen.currentLine()).toBe("alice@vm1$ echo two");
    t.s.input("\x1bOA"); // application-mode up
    expect(t.screen.currentLine()).toBe("alice@vm1$ echo one");
    t.s.input("\x1b[A"); // past the oldest: bell, no change
    expect(t.screen.bells).toBe(1);
    t.s.input("\x1b[B\x1b[B");
    expect(t.screen.currentLine()).toBe("alice@vm1$ draft");
    t.s.input("\x15history\r");
    expect(t.screen.text()).toContain("    1  echo one\n    2  echo two\n    3  history\nalice@vm1$");
  });

  it("completes command names and node names with Tab", () => {
    const t = setup();
    t.s.input("tr\t");
    expect(t.screen.currentLine()).toBe("alice@vm1$ traceroute");
    t.s.input("v\t"); // vm1 vm2 vm3 vm10: common prefix 'vm' then list
    expect(t.screen.currentLine()).toBe("alice@vm1$ traceroute vm");
    t.s.input("\t");
    expect(t.screen.text()).toContain("vm1   vm10  vm2   vm3");
    expect(t.screen.currentLine()).toBe("alice@vm1$ traceroute vm");
    t.s.input("2\t");
    expect(t.screen.currentLine()).toBe("alice@vm1$ traceroute vm2");
    t.s.input("\x15zz\t");
    expect(t.screen.bells).toBe(1);
    t.s.input("\x15his\t");
    expect(t.screen.currentLine()).toBe("alice@vm1$ history");
  });

  it("Ctrl-C interrupts a running command, then prompts; at the prompt it drops the line", async () => {
    const t = setup();
    t.s.input("ping vm5\r");
    expect(t.s.busy).toBe(true);
    t.ran[0]!.write("64 bytes from 10.0.50.2: icmp_seq=0 ttl=64 time=0.2 ms\n");
    t.s.input("\x03");
    await t.s.idle();
    await t.tick();
    expect(t.ran[0]!.interrupted).toBe(true);
    expect(t.screen.text()).toBe(
      [
        "alice@vm1$ ping vm5",
        "64 bytes from 10.0.50.2: icmp_seq=0 ttl=64 time=0.2 ms",
        "^C",
        "--- vm5 ping statistics ---",
        "1 packets transmitted, 1 packets received, 0.0% packet loss",
        "alice@vm1$",
      ].join("\n"),
    );
    t.s.input("half a line\x03");
    expect(t.screen.text().endsWith("alice@vm1$ half a line^C\nalice@vm1$")).toBe(true);
    expect(t.ran).toHaveLength(1);
  });

  it("keeps typeahead while a command runs and runs it afterwards", async () => {
    const t = setup();
    t.s.input("sleep\recho after\r"); // both in one chunk
    t.s.input("echo third\r");
    expect(t.ran).toHaveLength(1);
    t.ran[0]!.finish(0);
    await t.s.idle();
    await t.tick();
    await t.s.idle();
    await t.tick();
    expect(t.ran.map((r) => r.line)).toEqual(["sleep", "echo after", "echo third"]);
    expect(t.screen.text().endsWith("third\nalice@vm1$")).toBe(true);
  });

  it("puts the prompt on a fresh line after output without a final newline, and reports errors", async () => {
    const t = setup();
    t.s.input("noeol\r");
    await t.s.idle();
    await t.tick();
    expect(t.screen.text()).toBe("alice@vm1$ noeol\npartial\nalice@vm1$");
    t.s.input("boom\r");
    expect(t.screen.text().endsWith("boom: command not found\nalice@vm1$")).toBe(true);
    expect(t.s.status).toBe(1);
  });

  it("hops between nodes with ssh/rlogin and comes back with exit", async () => {
    const t = setup();
    t.s.input("ssh vm2\r");
    expect(t.screen.currentLine()).toBe("alice@vm2$");
    t.s.input("rlogin vm3\r");
    t.s.input("echo where\r");
    await t.s.idle();
    expect(t.ran[0]!.node).toBe("vm3");
    await t.tick();
    t.s.input("exit\r");
    expect(t.screen.text()).toContain("Connection to vm3 closed.\nalice@vm2$");
    t.s.input("logout\r");
    expect(t.screen.currentLine()).toBe("alice@vm1$");
    expect(t.exits).toEqual([]);
    t.s.input("ssh nowhere\r");
    expect(t.screen.text()).toContain("ssh: Could not resolve hostname nowhere");
    t.s.input("ssh bob@vm2\r");
    expect(t.screen.text()).toContain("bob@vm2: Permission denied (publickey,password).");
    expect(t.s.node).toBe("vm1");
    t.s.input("ssh alice@vm2 echo remote\r"); // one command on another node
    await t.s.idle();
    expect(t.ran[1]).toMatchObject({ node: "vm2", line: "echo remote" });
    expect(t.s.node).toBe("vm1");
    await t.tick();
    t.s.input("exit 3\r");
    expect(t.exits).toEqual([3]);
    expect(t.s.closed).toBe(true);
    t.s.input("echo ignored\r");
    expect(t.ran).toHaveLength(2);
  });

  it("loses the connections through a router that crashes, as an ssh client does", async () => {
    const t = setup();
    t.s.input("ssh vm2\rssh vm3\r");
    t.s.hostDown("vm10"); // not on the way: nothing happens
    t.s.input("ping vm1\r");
    t.ran[0]!.write("PING vm1 (10.0.10.1): 56 data bytes\n64 bytes");
    // vm2 crashes: the connection to vm2, and vm3's beyond it, are gone; the ping is interrupted
    // (it runs on vm3, which is alive, but its terminal went away) and says nothing more.
    t.s.hostDown("vm2");
    expect(t.ran[0]!.interrupted).toBe(true);
    await t.tick();
    expect(t.screen.text()).toBe(
      "alice@vm1$ ssh vm2\nalice@vm2$ ssh vm3\nalice@vm3$ ping vm1\nPING vm1 (10.0.10.1): 56 data bytes\n64 bytes\nConnection to vm2 lost: vm2 went down.\nalice@vm1$",
    );
    expect(t.s.status).toBe(255);
    expect(t.s.busy).toBe(false);
    await t.s.idle();
    // A command on the crashed router itself was killed with it: its end prints nothing.
    t.s.input("ssh vm3 sleep\r");
    t.s.hostDown("vm3");
    t.ran[1]!.finish(137);
    await t.tick();
    expect(t.ran[1]!.interrupted).toBe(false);
    expect(
      t.screen
        .text()
        .endsWith("alice@vm1$ ssh vm3 sleep\nConnection to vm3 lost: vm3 went down.\nalice@vm1$"),
    ).toBe(true);
    // At a prompt, the line being typed is abandoned; the first router going down ends it all.
    t.s.input("echo half");
    t.s.hostDown("vm1");
    expect(t.screen.text().endsWith("alice@vm1$ echo half\nConnection to vm1 lost: vm1 went down.")).toBe(
      true,
    );
    expect(t.exits).toEqual([255]);
    expect(t.s.closed).toBe(true);
  });

  it("ends on Ctrl-D at an empty line only", () => {
    const t = setup();
    t.s.input("ab\x01\x04"); // Ctrl-D with text deletes forward
    expect(t.screen.currentLine()).toBe("alice@vm1$ b");
    t.s.input("\x05\x15\x04");
    expect(t.exits).toEqual([0]);
    expect(t.screen.text().endsWith("logout")).toBe(true);
  });

  it("close() interrupts the running command and silences it", async () => {
    const t = setup();
    t.s.input("ping vm2\r");
    t.s.close();
    expect(t.ran[0]!.interrupted).toBe(true);
    await t.tick();
    expect(t.screen.text()).toBe("alice@vm1$ ping vm2");
    expect(t.exits).toEqual([]);
  });

  it("bounds the line length and typeahead", () => {
    const t = setup({ maxLine: 10, maxTypeahead: 5 });
    t.s.input("0123456789abc");
    expect(t.screen.currentLine()).toBe("alice@vm1$");
    expect(t.screen.bells).toBe(1);
    t.s.input("012345678");
    t.s.input("9");
    t.s.input("x");
    expect(t.screen.currentLine()).toBe("alice@vm1$ 0123456789");
    t.s.input("\x15sleep\r");
    t.s.input("echo 1\recho 2\r");
    t.ran[0]!.finish(0);
    expect(t.ran).toHaveLength(1);
  });

  it("clear and Ctrl-L clear the screen", () => {
    const t = setup();
    t.s.input("abc\x0c");
    expect(t.screen.text()).toBe("alice@vm1$ abc");
    t.s.input("\x15clear\r");
    expect(t.screen.text()).toBe("alice@vm1$");
  });
});

describe("ShellSession screen model", () => {
  it("whatever is typed, the screen shows prompt + line and the cursor sits at the edit point", () => {
    const keys = fc.oneof(
      fc.string({ minLength: 1, maxLength: 12 }).map((s) => s.replace(/[\x00-\x1f\x7f]/g, "x")),
      fc.constantFrom(
        "\x1b[D",
        "\x1b[C",
        "\x1b[H",
        "\x1b[F",
        "\x7f",
        "\x1b[3~",
        "\x01",
        "\x05",
        "\x0b",
        "\x15",
        "\x17",
      ),
      fc.constantFrom("\x1b[1;5D", "\x1b[1;5C", "\x02", "\x06", "\x0c", " "),
    );
    fc.assert(
      fc.property(fc.integer({ min: 8, max: 40 }), fc.array(keys, { maxLength: 40 }), (cols, seq) => {
        const t = setup({ cols, nodes: () => [], commands: () => [] });
        for (const k of seq) t.s.input(k);
        const shown = `alice@vm1$ ${t.s.line.text}`;
        const rows = [];
        for (let i = 0; i < shown.length; i += cols) rows.push(shown.slice(i, i + cols).trimEnd());
        // ASCII only after the replacement above, so one char = one column
        expect(t.screen.text()).toBe(rows.join("\n").trimEnd());
        const at = 11 + t.s.line.cursor;
        expect([t.screen.row, t.screen.col]).toEqual([Math.floor(at / cols), at % cols]);
      }),
      { numRuns: 300 },
    );
  });
});

describe("ShellSession under hostile input", () => {
  it("never throws and never sends a bare LF, whatever bytes arrive in whatever chunks", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.string({ unit: "binary", maxLength: 40 }), { maxLength: 30 }),
        fc.integer({ min: 1, max: 200 }),
        async (chunks, cols) => {
          const t = setup({ cols });
          for (const c of chunks) {
            t.s.input(c);
            if (t.s.busy && c.length % 2 === 0) t.s.input("\x03");
          }
          t.s.resize(cols + 1, 10);
          await t.tick();
          expect(t.raw()).not.toMatch(/[^\r]\n/);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe("KeyDecoder", () => {
  it("decodes sequences split across chunks and ignores unknown ones", () => {
    const d = new KeyDecoder();
    expect(d.feed("a\x1b")).toEqual([{ k: "text", s: "a" }]);
    expect(d.feed("[")).toEqual([]);
    expect(d.feed("Db")).toEqual([{ k: "left" }, { k: "text", s: "b" }]);
    expect(d.feed("\x1b[200~x\x1b[201~")).toEqual([{ k: "text", s: "x" }]);
    expect(d.feed("\x1b[1;5C\x1b[5~\x1bOH")).toEqual([{ k: "word-right" }, { k: "home" }]);
    expect(d.feed("\r\n\r\r")).toEqual([{ k: "enter" }, { k: "enter" }, { k: "enter" }]);
    expect(d.feed("\n")).toEqual([]); // LF after CR, even in the next chunk
    expect(d.feed("\x00\x1f")).toEqual([]);
    expect(d.feed(`\x1b[${"1".repeat(100)}`)).toEqual([]);
    expect(d.feed("z")).toEqual([{ k: "text", s: "z" }]);
    expect(d.feed("héllo 🙂")).toEqual([{ k: "text", s: "héllo 🙂" }]);
  });
});
