import type { Command } from "commander";
import { register as registerNotify } from "./notify.js";

/** Each subcommand lives in its own file and registers itself here: one line per command. */
export function registerCommands(program: Command): void {
  void program;
  registerNotify(program);
}
