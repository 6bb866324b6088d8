/**
 * @module shell/cmd/routing
 * The commands of the routing protocols (proto/registry.ts): each protocol's status and query
 * tools, registered on every node as the protocol may run on any of them (on a node that does
 * not run it, a status command says so). A new protocol adds its commands here — or, for FRR's
 * own `show` commands, a `vtysh` hook in the registry (proto/registry.ts), which `vtysh` asks.
 */
import type { Command } from "../commands.js";
import { ripstatusCommand } from "./ripstatus.js";
import { rtqueryCommand } from "./rtquery.js";
import { vtyshCommand } from "./vtysh.js";

export const ROUTING_COMMANDS: readonly Command[] = [rtqueryCommand, ripstatusCommand, vtyshCommand];
