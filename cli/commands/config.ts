import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { isVitalsError } from "../../core/errors.js";
import { loadConfig } from "../../gateway/config.js";
import { checkConfig, configJsonSchema, redactConfig } from "../../gateway/config-tools.js";

/** `vitals config check|print|schema`: the gateway's config file, checked, resolved and described. */
export function register(program: Command): void {
  const config = program.command("config").description("check, print or describe the gateway's config file");
  config
    .command("check")
    .description("validate a config file: every problem with its path, and a did-you-mean for unknown keys")
    .argument("<file>", "JSON config file")
    .action((file: string) => {
      let input: unknown;
      try {
        input = JSON.parse(readFileSync(file, "utf8"));
      } catch (e) {
        process.stderr.write(`${file}: ${(e as Error).message}\n`);
        process.exit(2);
      }
      const problems = checkConfig(input);
      if (problems.length === 0) {
        process.stdout.write(`${file}: valid\n`);
        return;
      }
      for (const p of problems)
        process.stderr.write(
          `${file}: ${p.path}: ${p.message}${p.didYouMean ? ` (did you mean "${p.didYouMean}"?)` : ""}\n`,
        );
      process.stderr.write(`${problems.length} problem${problems.length === 1 ? "" : "s"}\n`);
      process.exit(2);
    });
  config
    .command("print")
    .description("print the effective config (defaults < file < environment) with secrets redacted")
    .option("--config <file>", "JSON config file")
    .action((o: { config?: string }) => {
      try {
        const effective = loadConfig({ file: o.config, env: process.env });
        process.stdout.write(`${JSON.stringify(redactConfig(effective), null, 2)}\n`);
      } catch (e) {
        if (!isVitalsError(e)) throw e;
        process.stderr.write(`${e.message}\n`);
        process.exit(2);
      }
    });
  config
    .command("schema")
    .description("print the config file's JSON Schema (docs/config.schema.json)")
    .action(() => {
      process.stdout.write(`${JSON.stringify(configJsonSchema(), null, 2)}\n`);
    });
}
