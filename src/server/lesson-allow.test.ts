/**
 * A lesson may grant students named root commands (`allow:` in the lesson file): the relay
 * lesson's post (ifconfig eth0:1, iptables, xinetd's init script — root's commands) typed by a
 * student from their terminal, through the same line runner as SSH and the page's terminal
 * (server/user-exec.ts). Without `allow:` the student meets the refusals as before.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MINUTE } from "../core/time.js";
import { createSimLab } from "../engines/sim/index.js";
import { parseRoutelabYaml } from "../topology/index.js";
import { UserLimits } from "./limits.js";
import { createUserExec } from "./user-exec.js";

const RELAY = readFileSync(
  join(import.meta.dirname, "..", "..", "examples", "lessons", "relay.yaml"),
  "utf8",
);
const POST = [
  "ifconfig eth0:1 inet 192.168.10.200 netmask 255.255.255.255",
  "iptables -t nat -A PREROUTING -p tcp --dest 192.168.10.200 --dport 22 -j REDIRECT --to-port 50022",
  'echo "hoge-ssh        50022/tcp" >> /etc/services',
  "/etc/init.d/xinetd start",
];

/** alice (a student) types the post on relay, then calls the old address from the client. */
async function aliceTypesThePost(yaml: string) {
  const lab = createSimLab(parseRoutelabYaml(yaml, "relay.yaml"), { seed: 1 });
  const alice = createUserExec({ lab, user: "alice", role: "student", limits: new UserLimits() });
  const run = async (node: string, line: string) => {
    let out = "";
    const r = alice(node, line, (s) => (out += s));
    await lab.advanceUntil(() => r.exitCode !== undefined, 2 * MINUTE);
    return { code: await r.done, out };
  };
  try {
    await lab.advance(2_000_000_000);
    const post = [];
    for (const line of POST) post.push(await run("relay", line));
    return { post, nc: await run("client", "nc -v -w 3 192.168.10.200 22") };
  } finally {
    await lab.close();
  }
}

describe("a lesson's allow: grants students root's commands", () => {
  it("without allow:, the post's root commands are refused to a student as before", async () => {
    const r = await aliceTypesThePost(RELAY.replace(/^allow:.*\n/m, ""));
    expect(r.post.map((x) => x.code)).toEqual([77, 4, 0, 1]);
    expect(r.post[0]!.out).toBe(
      "ifconfig: ioctl (SIOCSIFFLAGS): permission denied (students may not change interfaces)\n",
    );
    expect(r.post[1]!.out).toMatch(/Permission denied \(you must be root\)/);
    expect(r.nc.code).toBe(1);
  });

  it("with the relay lesson's allow:, a student types the post and the old address answers", async () => {
    expect(RELAY).toMatch(/^allow: \[ifconfig, iptables, \/etc\/init\.d\/xinetd, service, xinetd\]$/m);
    const r = await aliceTypesThePost(RELAY);
    expect(r.post.map((x) => x.code)).toEqual([0, 0, 0, 0]);
    expect(r.post[3]!.out).toBe("Starting internet superserver: xinetd.\n");
    expect(r.nc.out).toMatch(/succeeded!/);
    expect(r.nc.code).toBe(0);
  });

  it("refuses a command that cannot be granted, naming file, line and field", () => {
    const bad = RELAY.replace(/^allow:.*$/m, "allow: [iptables, link, rm]");
    expect(() => parseRoutelabYaml(bad, "relay.yaml")).toThrow(
      /relay\.yaml:\d+:\d+: allow\[1\]: 'link' cannot be granted to students.*\n.*allow\[2\]: 'rm' cannot be granted/,
    );
  });
});
