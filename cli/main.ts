import { Command } from "commander";
import { registerCommands } from "./commands/index.js";

const program = new Command()
  .name("vitals")
  .description("Bedside vital-signs monitoring toolkit (research and education use; not a medical device)")
  .showHelpAfterError()
  .exitOverride((err) => {
    process.exit(err.exitCode);
  });

registerCommands(program);
await program.parseAsync(process.argv);
