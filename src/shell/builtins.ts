/**
 * @module shell/builtins
 * The commands every node has. Other layers add theirs to a copy:
 * `builtinCommands().register(sshCommand)` (`ssh NODE` and `exit` belong to the login session).
 * The routing protocols' status and query tools (shell/cmd/routing.ts) are built in: every
 * node may run a protocol.
 */
import { CommandRegistry } from "./commands.js";
import { arpCommand } from "./cmd/arp.js";
import { echoCommand } from "./cmd/echo.js";
import { helpCommand } from "./cmd/help.js";
import { hostnameCommand } from "./cmd/hostname.js";
import { ifconfigCommand } from "./cmd/ifconfig.js";
import { ncCommand } from "./cmd/nc.js";
import { netstatCommand } from "./cmd/netstat.js";
import { pingCommand } from "./cmd/ping.js";
import { routeCommand } from "./cmd/route.js";
import { ROUTING_COMMANDS } from "./cmd/routing.js";
import { tracerouteCommand } from "./cmd/traceroute.js";
import { catCommand, lsCommand } from "./cmd/files.js";
import { ipCommand } from "./cmd/ip.js";
import { iptablesCommand } from "./cmd/iptables.js";
import { initXinetdCommand, serviceCommand, xinetdCommand } from "./cmd/xinetd.js";

/** A fresh registry with the built-in commands; `help` lists whatever the registry holds. */
export function builtinCommands(): CommandRegistry {
  const r = new CommandRegistry();
  r.register(pingCommand)
    .register(tracerouteCommand)
    .register(netstatCommand)
    .register(ifconfigCommand)
    .register(routeCommand)
    .register(hostnameCommand)
    .register(arpCommand)
    .register(ncCommand)
    .register(echoCommand)
    .register(catCommand)
    .register(lsCommand);
  // Linux nodes only (`os: linux`): each says so in its `os`.
  for (const c of [ipCommand, iptablesCommand, xinetdCommand, initXinetdCommand, serviceCommand])
    r.register(c);
  for (const c of ROUTING_COMMANDS) r.register(c);
  r.register(helpCommand(r));
  return r;
}
