import type { Command } from "commander";
import * as ppg from "./ppg.js";

/** Each subcommand lives in its own file and registers itself here: one line per command. */
export function registerCommands(program: Command): void {
  ppg.register(program);
}
