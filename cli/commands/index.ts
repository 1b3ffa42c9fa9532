import type { Command } from "commander";
import * as ports from "./ports.js";

/** Each subcommand lives in its own file and registers itself here: one line per command. */
export function registerCommands(program: Command): void {
  void program;
  ports.register(program);
}
