import { describe, expect, it } from "vitest";
import { NodeFiles } from "../../sim/node-system.js";
import { mirroredPath, netnsEtcDir } from "./node-files.js";
import { aliasArgv, ifconfigReadArgv, iptablesArgv, ncArgv, xinetdConfigProblem } from "./linux-native.js";

const argv = (a: ReturnType<typeof ncArgv>) => (a.ok ? a.argv : a.text);

describe("a Linux node's native commands on netns: argument checks", () => {
  it("runs the post's iptables lines as given, and nothing that reaches beyond the nat table", () => {
    const post =
      "-t nat -A PREROUTING -p tcp --dest 192.168.10.200 --dport 22 -j REDIRECT --to-port 50022".split(" ");
    expect(iptablesArgv(post)).toEqual({ ok: true, argv: ["iptables", ...post] });
    expect(iptablesArgv(["-t", "nat", "-L", "-n", "-v"]).ok).toBe(true);
    // --modprobe=CMD runs a program as root (iptables xshared.c); -t raw, -j LOG, a shell word: refused.
    for (const bad of [
      ["--modprobe=/bin/sh", "-L"],
      ["--modp", "/bin/sh"],
      ["-t", "raw", "-L"],
      ["-t", "nat", "-A", "OUTPUT", "-j", "LOG"],
      ["-t", "nat", "-L;reboot"],
      ["-t", "nat", "-L", "$(id)"],
      ["-N", "x"],
    ])
      expect(iptablesArgv(bad).ok, bad.join(" ")).toBe(false);
    expect(iptablesArgv(Array(41).fill("-n")).ok).toBe(false);
  });

  it("maps nc to netcat-openbsd with the simulator's options only", () => {
    expect(argv(ncArgv(["-z", "-w", "5", "192.168.10.200", "22"], false))).toEqual([
      "nc",
      "-N",
      "-z",
      "-w",
      "5",
      "192.168.10.200",
      "22",
    ]);
    expect(argv(ncArgv(["-l", "-k", "22"], true))).toEqual(["nc", "-N", "-l", "-k", "22"]);
    // A user's mark on its segments (the captures colour them).
    expect(argv(ncArgv(["h", "22"], false, 8))).toEqual(["nc", "-N", "-T", "8", "h", "22"]);
    expect(argv(ncArgv(["-l", "22"], false))).toBe("nc: Permission denied\n");
    expect(argv(ncArgv(["-e", "/bin/sh", "h", "1"], true))).toMatch(/-e is not available/);
    expect(argv(ncArgv(["-c", "sh", "h", "1"], true))).toMatch(/-c is not available/);
    expect(argv(ncArgv(["h;id", "22"], true))).toMatch(/^usage/);
    expect(argv(ncArgv(["h", "70000"], true))).toMatch(/port number invalid/);
    expect(argv(ncArgv(["-w", "0", "h", "22"], true))).toMatch(/timeout/);
  });

  it("reads ifconfig of the node's own interfaces, lo and labels only; adds an alias as the post did", () => {
    expect(argv(ifconfigReadArgv(["eth0:1"], ["eth0"])!)).toEqual(["ifconfig", "eth0:1"]);
    expect(argv(ifconfigReadArgv([], ["eth0"])!)).toEqual(["ifconfig"]);
    expect(argv(ifconfigReadArgv(["lo"], ["eth0"])!)).toEqual(["ifconfig", "lo"]);
    expect(ifconfigReadArgv(["veth9"], ["eth0"])).toBeUndefined();
    expect(ifconfigReadArgv(["eth0", "10.0.0.1"], ["eth0"])).toBeUndefined();
    expect(aliasArgv("eth0:1", 0xc0a80ac8, 32, 0xc0a80aff)).toEqual([
      "ifconfig",
      "eth0:1",
      "192.168.10.200",
      "netmask",
      "255.255.255.255",
      "broadcast",
      "192.168.10.255",
      "up",
    ]);
  });

  it("lets the real xinetd run redirect services only", () => {
    const relay = `service hoge-ssh\n{\n  disable = no\n  socket_type = stream\n  protocol = tcp\n  wait = no\n  user = root\n  port = 50022\n  redirect = 192.168.20.200 22\n}\n`;
    const files = new NodeFiles({
      "/etc/xinetd.conf": "defaults\n{\n}\nincludedir /etc/xinetd.d\n",
      "/etc/xinetd.d/hoge-ssh": relay,
    });
    expect(xinetdConfigProblem(files)).toBeUndefined();
    files.write("/etc/xinetd.d/evil", "service evil\n{\n  server = /bin/sh\n}\n", false);
    expect(xinetdConfigProblem(files)).toBe(
      "/etc/xinetd.d/evil:3: 'server = /bin/sh' is not run by routelab's xinetd (only redirect = services)",
    );
    files.write("/etc/xinetd.d/evil", "", false);
    files.write("/etc/xinetd.conf", "includedir /root\n", false);
    expect(xinetdConfigProblem(files)).toMatch(/^\/etc\/xinetd.conf:1: 'includedir \/root'/);
  });

  it("mirrors only /etc entries the host has into /etc/netns/NS, never the engine's hosts file", () => {
    const dir = netnsEtcDir("rl-x-relay");
    expect(mirroredPath(dir, "/etc/services")).toBe("/etc/netns/rl-x-relay/services");
    expect(mirroredPath(dir, "/etc/xinetd.d/hoge-ssh")).toBe("/etc/netns/rl-x-relay/xinetd.d/hoge-ssh");
    for (const p of [
      "/etc/hosts",
      "/etc/resolv.conf",
      "/etc/../root/x",
      "/var/log/syslog",
      "/etc/no-such-entry-rl",
    ])
      expect(mirroredPath(dir, p), p).toBeUndefined();
    expect(() => netnsEtcDir("../x")).toThrow(/bad namespace name/);
  });
});
