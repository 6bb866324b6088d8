/**
 * nc against FreeBSD 8's netcat (contrib/netcat/netcat.c 1.98): messages, exit status, and the
 * bytes both ways over the simulated TCP, on the chain r1 - r2 - r3 (r3 is 10.0.1.2).
 */
import { describe, expect, it } from "vitest";
import { SECOND } from "../../core/time.js";
import { buildNetwork } from "../../sim/build.js";
import { chainTopology, withChainStatics } from "../../sim/test-topology.js";
import { runCommand } from "../run.js";
import { simShellContext } from "../sim-context.js";
import { runOn } from "../sim.testkit.js";

const chain = () => buildNetwork(withChainStatics(chainTopology(3)), 1);

/** Starts `line` on `node` in the background; its output collects in `out()`. */
function background(net: ReturnType<typeof chain>, node: string, line: string, user = "root") {
  let out = "";
  const ctx = simShellContext(net, net.byName.get(node)!, { user, write: (t) => (out += t) });
  const p = runCommand(ctx, line);
  return { p, out: () => out };
}

describe("nc", () => {
  it("a listener and a client exchange lines, both end at EOF with status 0", () => {
    const net = chain();
    const server = background(net, "r3", 'echo "hello back" | nc -l 7777', "bob");
    const r = runOn(net, "r1", "echo hello | nc -v 10.0.1.2 7777", { user: "alice" });
    expect(r.out).toBe("Connection to 10.0.1.2 7777 port [tcp/*] succeeded!\nhello back\n");
    expect(r.code).toBe(0);
    net.scheduler.runUntil(net.scheduler.now() + SECOND);
    expect(server.out()).toBe("hello\n");
    expect(server.p.exitCode).toBe(0);
  });

  it("-z -v over a range: refused ports say so, an open one succeeds, status 0 when any did", () => {
    const net = chain();
    background(net, "r3", "nc -l 23");
    const r = runOn(net, "r1", "nc -z -v 10.0.1.2 22-25");
    expect(r.out).toBe(
      [
        "nc: connect to 10.0.1.2 port 22 (tcp) failed: Connection refused",
        "Connection to 10.0.1.2 23 port [tcp/telnet] succeeded!",
        "nc: connect to 10.0.1.2 port 24 (tcp) failed: Connection refused",
        "nc: connect to 10.0.1.2 port 25 (tcp) failed: Connection refused",
        "",
      ].join("\n"),
    );
    expect(r.code).toBe(0);
    const none = runOn(net, "r1", "nc -z 10.0.1.2 24");
    expect(none).toMatchObject({ out: "", code: 1 });
  });

  it("-w: an idle connection ends after that many seconds", () => {
    const net = chain();
    background(net, "r3", "nc -l 7777");
    const r = runOn(net, "r1", "nc -w 3 10.0.1.2 7777");
    expect(r.code).toBe(0);
    expect(r.took).toBeGreaterThanOrEqual(3 * SECOND);
    expect(r.took).toBeLessThan(4 * SECOND);
  });

  it("no answer: connect gives up after 75 s with Operation timed out (-w does not bound connect in 1.98)", () => {
    const net = chain();
    net.links[1]!.up = false;
    const r = runOn(net, "r1", "nc -v -w 1 10.0.1.2 7777");
    expect(r.out).toBe("nc: connect to 10.0.1.2 port 7777 (tcp) failed: Operation timed out\n");
    expect(r.code).toBe(1);
    expect(r.took).toBe(75 * SECOND);
  });

  it("usage and argument errors as netcat.c prints them", () => {
    const net = chain();
    expect(runOn(net, "r1", "nc").out).toMatch(/^usage: nc \[-46DdEhklnrStUuvz\]/);
    expect(runOn(net, "r1", "nc 10.0.1.2").code).toBe(1); // one operand without -l
    expect(runOn(net, "r1", "nc -z -l 7777").out).toBe("nc: cannot use -z and -l\n");
    expect(runOn(net, "r1", "nc -p 5 -l 7777").out).toBe("nc: cannot use -p and -l\n");
    expect(runOn(net, "r1", "nc 10.0.1.2 0").out).toBe("nc: port number too small: 0\n");
    expect(runOn(net, "r1", "nc 10.0.1.2 70000").out).toBe("nc: port number too large: 70000\n");
    expect(runOn(net, "r1", "nc 10.0.1.2 x-9").out).toBe("nc: port number invalid: x\n");
    expect(runOn(net, "r1", "nc -w x 10.0.1.2 9").out).toBe("nc: timeout invalid: x\n");
    expect(runOn(net, "r1", "nc nowhere 9").out).toBe(
      "nc: getaddrinfo: hostname nor servname provided, or not known\n",
    );
    background(net, "r3", "nc -l 7777");
    expect(runOn(net, "r3", "nc -l 7777")).toMatchObject({ out: "nc: Address already in use\n", code: 1 });
    expect(runOn(net, "r3", "nc -l 22", { user: "alice" })).toMatchObject({
      out: "nc: Permission denied\n",
      code: 1,
    });
  });

  it("Ctrl-C ends a listener; its port is free again", () => {
    const net = chain();
    const r = runOn(net, "r3", "nc -l 7777", { interruptAfter: SECOND });
    expect(r.code).toBe(130);
    expect(net.byName.get("r3")!.tcp.listening()).toEqual([]);
  });
});
