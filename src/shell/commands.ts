/**
 * @module shell/commands
 * The command registry: name → implementation and a one-line summary for `help`. Layers
 * above register their own commands on a registry of their own (the session's `ssh NODE` and
 * `exit`) without touching the built-in set:
 *
 *     const commands = builtinCommands().register(sshCommand);
 *     runCommand(ctx, line, commands);
 */
import type { Program, ProgramIo } from "../apps/process.js";
import type { NodeOs } from "../topology/model.js";
import type { ShellContext } from "./context.js";

/** What a command returns: a running program, or the exit status when it finished at once. */
export type CommandResult = Program | number;

export interface Command {
  readonly name: string;
  /** One line for `help`. */
  readonly summary: string;
  /** Only on nodes of this OS (`ip`, `iptables` on linux); on every node when absent. */
  readonly os?: NodeOs;
  /** `args` excludes the command name. Output goes to `io`; nothing may be printed elsewhere. */
  run(ctx: ShellContext, args: string[], io: ProgramIo): CommandResult;
}

export class CommandRegistry {
  private readonly byName = new Map<string, Command>();

  /** Adds (or replaces) a command; returns the registry for chaining. */
  register(cmd: Command): this {
    this.byName.set(cmd.name, cmd);
    return this;
  }

  get(name: string): Command | undefined {
    return this.byName.get(name);
  }

  /** All commands, sorted by name. */
  list(): Command[] {
    return [...this.byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** A copy to extend without changing this one. */
  clone(): CommandRegistry {
    const r = new CommandRegistry();
    for (const c of this.byName.values()) r.register(c);
    return r;
  }
}
