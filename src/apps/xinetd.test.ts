/**
 * xinetd on a simulated Linux node: its configuration read as xinetd 2.3's confparse.c reads it
 * (messages in /var/log/syslog), and its relay as redirect.c's redir_handler runs it — accept,
 * connect onward, copy both ways, close both when either ends; a failed onward connect closes
 * the client's. The relay's connection wears the client's colour.
 *
 *   client 10.0.1.2 ── relay 10.0.1.1 | 10.0.2.1 (linux) ── srv 10.0.2.2
 */
import { describe, expect, it } from "vitest";
import { SECOND } from "../core/time.js";
import { runCommand } from "../shell/run.js";
import { simShellContext } from "../shell/sim-context.js";
import { runOn } from "../shell/sim.testkit.js";
import { buildNetwork } from "../sim/build.js";
import { parseRoutelabYaml } from "../topology/parse-yaml.js";
import { readXinetdConfig, serviceByName } from "./xinetd-config.js";

const SERVICE = (extra = "") => `service hoge-ssh
{
        socket_type     = stream
        protocol        = tcp
        wait            = no
        user            = root
        port            = 50022
        redirect        = 10.0.2.2 22
${extra}}
`;

function lab(extra = "") {
  const yaml = `
defaults: {routing: static}
nodes:
  client: {static: ["default via 10.0.1.1"]}
  relay: {os: linux, files: {/etc/xinetd.d/hoge-ssh: ${JSON.stringify(SERVICE(extra))}}}
  srv: {static: ["default via 10.0.2.1"]}
links:
  - {endpoints: ["relay:eth0", "client:eth0"], subnet: 10.0.1.0/24, addresses: [10.0.1.1, 10.0.1.2]}
  - {endpoints: ["relay:eth1", "srv:eth0"], subnet: 10.0.2.0/24, addresses: [10.0.2.1, 10.0.2.2]}
`;
  const net = buildNetwork(parseRoutelabYaml(yaml, "t.yaml"), 5);
  const bg = (node: string, line: string) => {
    let out = "";
    const p = runCommand(
      simShellContext(net, net.byName.get(node)!, { user: "root", write: (t) => (out += t) }),
      line,
    );
    return { p, out: () => out };
  };
  return { net, bg, relay: (line: string) => runOn(net, "relay", line) };
}

describe("xinetd", () => {
  it("refuses a service not in /etc/services, as confparse.c does; after the post's line it starts", () => {
    const { relay } = lab();
    expect(relay("/etc/init.d/xinetd start")).toMatchObject({
      out: "Starting internet superserver: xinetd.\n",
      code: 0,
    });
    expect(relay("cat /var/log/syslog").out).toMatch(
      /^xinetd\[\d+\]: service\/protocol combination not in \/etc\/services: hoge-ssh\/tcp\nxinetd\[\d+\]: Started working: 0 available services\n$/,
    );
    relay('echo "hoge-ssh 50022/tcp" >> /etc/services');
    expect(relay("/etc/init.d/xinetd reload").code).toBe(0);
    expect(relay("cat /var/log/syslog").out).toMatch(/Started working: 1 available service\n$/);
    expect(relay("/etc/init.d/xinetd status")).toMatchObject({ out: "xinetd is running.\n", code: 0 });
    expect(relay("xinetd")).toMatchObject({ out: "xinetd: already running\n", code: 1 });
    expect(relay("service xinetd stop")).toMatchObject({
      out: "Stopping internet superserver: xinetd.\n",
      code: 0,
    });
    expect(relay("service xinetd status").code).toBe(3);
    expect(runOn(lab().net, "relay", "/etc/init.d/xinetd start", { user: "alice" })).toMatchObject({
      out: "Starting internet superserver: xinetd failed!\n",
      code: 1,
    });
  });

  it("relays each connection to the redirect address, both ways, and closes both when one ends", () => {
    const { net, bg, relay } = lab();
    relay('echo "hoge-ssh 50022/tcp" >> /etc/services');
    relay("xinetd");
    const srv = bg("srv", 'echo "SSH-2.0-OpenSSH_5.3" | nc -l 22');
    const sockets: { node: string; user: string; local: string; remote: string; state: string }[] = [];
    net.trace = (e) => {
      if (e.kind === "socket" && e.state === "ESTABLISHED") sockets.push(e);
    };
    // The server's banner reaches the client; the server's end (FIN) ends both (REDIROUT).
    const c = runOn(net, "client", "nc 10.0.1.1 50022", { user: "alice" });
    expect(c.out).toBe("SSH-2.0-OpenSSH_5.3\n");
    expect(c.code).toBe(0);
    expect(srv.p.exitCode).toBe(0);
    // And the other way: what the client sends reaches the server.
    const srv2 = bg("srv", "nc -l 22");
    runOn(net, "client", "echo hello | nc 10.0.1.1 50022", { user: "alice" });
    net.scheduler.runUntil(net.scheduler.now() + SECOND);
    expect(srv2.out()).toBe("hello\n");
    // One connection became two, both alice's: client→relay:50022, relay→srv:22.
    const two = sockets.filter((s) => s.node === "client" || s.node === "srv").slice(0, 2);
    expect(
      two.map((s) => [s.node, s.user, s.node === "srv" ? s.remote.replace(/:\d+$/, ":*") : s.remote]),
    ).toEqual([
      ["client", "alice", "10.0.1.1:50022"],
      ["srv", "alice", "10.0.2.1:*"],
    ]);
    expect(relay("cat /var/log/syslog").out).toMatch(/START: hoge-ssh from=10\.0\.1\.2\n$/);
  });

  it("closes the client's connection when the onward connect fails; only_from turns others away", () => {
    const { net, relay } = lab("        only_from       = 10.0.1.0/24\n");
    relay('echo "hoge-ssh 50022/tcp" >> /etc/services');
    relay("xinetd");
    // Nothing listens on srv:22: the relay's SYN is reset, the client's connection closed.
    const c = runOn(net, "client", "nc -v -w 5 10.0.1.1 50022", { user: "alice" });
    expect(c.out).toBe("Connection to 10.0.1.1 50022 port [tcp/*] succeeded!\n");
    expect(c.code).toBe(0);
    expect(relay("cat /var/log/syslog").out).toContain(
      "can't connect to remote host 10.0.2.2: Connection refused\n",
    );
    const other = lab("        only_from       = 10.9.0.0/16\n");
    other.relay('echo "hoge-ssh 50022/tcp" >> /etc/services');
    other.relay("xinetd");
    runOn(other.net, "client", "nc -w 5 10.0.1.1 50022");
    expect(other.relay("cat /var/log/syslog").out).toContain("FAIL: hoge-ssh address from=10.0.1.2\n");
  });

  it("reads xinetd.conf's includedir and the service attributes, with confparse.c's messages", () => {
    const files = new Map<string, string>([
      ["/etc/xinetd.conf", "defaults\n{\n}\nincludedir /etc/xinetd.d\n"],
      ["/etc/services", "ssh 22/tcp\nhoge-ssh 50022/tcp\n"],
      ["/etc/xinetd.d/a", SERVICE()],
      [
        "/etc/xinetd.d/b",
        "service ssh\n{\n socket_type = stream\n port = 2222\n redirect = 10.0.0.1 22\n}\n",
      ],
      ["/etc/xinetd.d/c", "service x\n{\n port = 1\n}\n"],
      [
        "/etc/xinetd.d/d",
        "service u\n{\n type = UNLISTED\n socket_type = stream\n port = 7000\n redirect = 10.0.0.2 7\n disable = yes\n}\n",
      ],
      ["/etc/xinetd.d/e.rpmsave", "service ignored\n{\n}\n"],
    ]);
    const fs = {
      read: (p: string) => files.get(p),
      list: (d: string) =>
        [...files.keys()].filter((p) => p.startsWith(`${d}/`)).map((p) => p.slice(d.length + 1)),
    };
    const conf = readXinetdConfig(fs);
    expect(conf.services).toEqual([
      { name: "hoge-ssh", port: 50022, redirect: { addr: 0x0a000202, port: 22 } },
    ]);
    expect(conf.log).toEqual([
      "Service ssh expects port 22, not 2222",
      "A protocol or a socket_type must be specified for service: x.",
    ]);
    expect(serviceByName("hoge-ssh\t50022/tcp # the relay\nwww 80/tcp http\n", "http")).toBe(80);
  });
});
