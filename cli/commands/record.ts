import { writeFileSync } from "node:fs";
import type { Command } from "commander";
import type { ReadingView } from "../../core/api-types.js";
import { recordingCsv } from "../../sensors/replay/recording-csv.js";

/** `vitals record`: a bed's stored readings from the gateway's HTTP API as a CSV `vitals replay` reads. */
export function register(program: Command): void {
  program
    .command("record")
    .description("write a bed's stored readings (GET /api/readings) as a CSV that vitals replay reads back")
    .requiredOption("--gateway-http <url>", "gateway HTTP base URL, e.g. http://127.0.0.1:8080")
    .requiredOption("--bed <bed>", "bed label")
    .option("--from <ms>", "first receive time, epoch ms")
    .option("--to <ms>", "last receive time, epoch ms")
    .argument("<file>", "CSV file to write (- for stdout)")
    .action(async function (this: Command, file: string, o) {
      const fail = (message: string): never =>
        this.error(`error: ${message}`, { exitCode: 2, code: "vitals.record" });
      const rows: ReadingView[] = [];
      // The API returns the newest first, at most 10 000 at a time: page backwards by receive time.
      let to: number | undefined = o.to === undefined ? undefined : Number(o.to);
      for (;;) {
        const q = new URLSearchParams({ bed: o.bed, limit: "10000" });
        if (o.from !== undefined) q.set("from", String(o.from));
        if (to !== undefined) q.set("to", String(to));
        let res: Response;
        try {
          res = await fetch(`${String(o.gatewayHttp).replace(/\/$/, "")}/api/readings?${q}`);
        } catch (e) {
          return fail(
            `cannot reach ${o.gatewayHttp}: ${(e as Error & { cause?: Error }).cause?.message ?? String(e)}`,
          );
        }
        if (!res.ok) return fail(`GET /api/readings: HTTP ${res.status} ${await res.text()}`);
        const page = ((await res.json()) as { readings: ReadingView[] }).readings;
        const fresh = page.filter(
          (r) => !rows.some((s) => s.node === r.node && s.seq === r.seq && s.received_at === r.received_at),
        );
        rows.push(...fresh);
        if (page.length < 10_000 || fresh.length === 0) break;
        to = Math.min(...page.map((r) => r.received_at));
      }
      rows.sort((a, b) => a.received_at - b.received_at || a.t - b.t);
      const csv = recordingCsv(rows);
      if (file === "-") process.stdout.write(csv);
      else writeFileSync(file, csv);
      process.stderr.write(
        `wrote ${rows.length} readings of bed ${o.bed}${file === "-" ? "" : ` to ${file}`}\n`,
      );
    });
}
