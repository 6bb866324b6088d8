/**
 * A node's small file system: `files:` from the topology, `cat`, `ls`, and sh's `> FILE` /
 * `>> FILE`, with the bounds a student meets instead of the server's memory (core/limits.ts).
 */
import { describe, expect, it } from "vitest";
import { MAX_NODE_FILE_BYTES, MAX_NODE_FS_BYTES } from "../../core/limits.js";
import { buildNetwork } from "../../sim/build.js";
import { parseRoutelabYaml } from "../../topology/parse-yaml.js";
import { splitPipeline } from "../parse.js";
import { runOn } from "../sim.testkit.js";

const YAML = `
nodes:
  box:
    os: linux
    files: {/etc/motd: "hello\\n", /etc/xinetd.d/hoge-ssh: "service hoge-ssh\\n"}
  bsd: {}
links:
  - endpoints: [box, bsd]
`;

const lab = () => buildNetwork(parseRoutelabYaml(YAML, "t.yaml"), 1);

describe("files", () => {
  it("cat and ls read the topology's files; a Linux node also has /etc/services and /etc/xinetd.conf", () => {
    const net = lab();
    expect(runOn(net, "box", "cat /etc/motd")).toMatchObject({ out: "hello\n", code: 0 });
    expect(runOn(net, "box", "ls /etc")).toMatchObject({
      out: "motd\nservices\nxinetd.conf\nxinetd.d\n",
      code: 0,
    });
    expect(runOn(net, "box", "cat /etc/services").out).toContain("ssh\t\t22/tcp");
    expect(runOn(net, "box", "cat /nope")).toMatchObject({
      out: "cat: /nope: No such file or directory\n",
      code: 1,
    });
    expect(runOn(net, "box", "cat /etc")).toMatchObject({ out: "cat: /etc: Is a directory\n", code: 1 });
    expect(runOn(net, "box", "ls /nope")).toMatchObject({
      out: "ls: cannot access '/nope': No such file or directory\n",
      code: 2,
    });
    expect(runOn(net, "bsd", "ls /nope")).toMatchObject({
      out: "ls: /nope: No such file or directory\n",
      code: 1,
    });
  });

  it("> truncates, >> appends, the post's line lands in /etc/services; a pipe into cat works", () => {
    const net = lab();
    expect(runOn(net, "box", "echo one > /tmp/x")).toMatchObject({ out: "", code: 0 });
    runOn(net, "box", "echo two >> /tmp/x");
    expect(runOn(net, "box", "cat /tmp/x").out).toBe("one\ntwo\n");
    runOn(net, "box", "echo three > /tmp/x");
    expect(runOn(net, "box", "cat /tmp/x").out).toBe("three\n");
    runOn(net, "box", 'echo "hoge-ssh        50022/tcp" >> /etc/services');
    expect(runOn(net, "box", "cat /etc/services").out).toMatch(
      /router\t\t520\/udp.*\nhoge-ssh {8}50022\/tcp\n$/,
    );
    expect(runOn(net, "box", "echo piped | cat").out).toBe("piped\n");
    expect(runOn(net, "box", "echo x > /etc")).toMatchObject({
      out: "sh: cannot create /etc: Is a directory\n",
      code: 2,
    });
  });

  it("parses redirections as sh does, refusing what it does not support in one line", () => {
    expect(splitPipeline("echo a b > /f")).toEqual({
      ok: true,
      commands: [["echo", "a", "b"]],
      redirect: { path: "/f", append: false },
    });
    expect(splitPipeline("echo a>>/f")).toEqual({
      ok: true,
      commands: [["echo", "a"]],
      redirect: { path: "/f", append: true },
    });
    expect(splitPipeline("echo '>' x")).toEqual({ ok: true, commands: [["echo", ">", "x"]] });
    expect(splitPipeline("echo a >")).toEqual({ ok: false, error: "Syntax error: newline unexpected" });
    expect(splitPipeline("echo a > /f | cat").ok).toBe(false);
    expect(splitPipeline("echo a > /f > /g").ok).toBe(false);
  });

  it("bounds: a file past 64 KiB is EFBIG, the node's files past 1 MiB ENOSPC, paths must be absolute and clean", () => {
    const net = lab();
    const big = "x".repeat(MAX_NODE_FILE_BYTES);
    expect(runOn(net, "box", `echo ${big} > /big`)).toMatchObject({
      out: "sh: write error: File too large\n",
    });
    let last = { out: "", code: 0 as number | undefined };
    for (let k = 0; k < MAX_NODE_FS_BYTES / (MAX_NODE_FILE_BYTES / 2) + 2; k++)
      last = runOn(net, "box", `echo ${"y".repeat(MAX_NODE_FILE_BYTES / 2 - 1)} > /fill/${k}`);
    expect(last.out).toMatch(/No space left on device/);
    expect(() => parseRoutelabYaml("nodes:\n  a: {files: {etc/x: y}}\n", "t.yaml")).toThrow(
      "t.yaml:2:15: nodes.a.files.etc/x: 'etc/x' is not an absolute path (it starts with /)",
    );
    expect(() => parseRoutelabYaml("nodes:\n  a: {files: {/etc/../x: y}}\n", "t.yaml")).toThrow(
      /empty, '\.' or '\.\.' component/,
    );
    expect(() => parseRoutelabYaml("nodes:\n  a: {os: solaris}\n", "t.yaml")).toThrow(
      "t.yaml:2:11: nodes.a.os: unknown os 'solaris' (use freebsd or linux)",
    );
  });
});
