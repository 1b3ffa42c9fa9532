import { readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Command, InvalidArgumentError } from "commander";
import { createLogger } from "../../core/logger.js";
import { systemTime } from "../../core/time.js";
import { parseNumericsCsv } from "../../sensors/replay/numerics-csv.js";
import { parsePpgRecording } from "../../sensors/replay/ppg-recording.js";
import { type ReplayBed, ReplayPlayer } from "../../sensors/replay/replay-player.js";
import { type ParsedRecording, REPLAY_KEYS, type ReplayKey } from "../../sensors/replay/replay-row.js";
import { hostPort, numberOption } from "./options.js";

const RECORDINGS = join(dirname(fileURLToPath(import.meta.url)), "../../sensors/replay/recordings");

function columnMap(v: string): Partial<Record<ReplayKey, string>> {
  const out: Partial<Record<ReplayKey, string>> = {};
  for (const pair of v.split(",")) {
    const [key, column] = pair.split("=").map((s) => s.trim());
    if (!key || !column || !REPLAY_KEYS.includes(key as ReplayKey))
      throw new InvalidArgumentError(`expected ${REPLAY_KEYS.join("|")}=COLUMN,…, got "${pair}"`);
    out[key as ReplayKey] = column;
  }
  return out;
}

/** `vitals replay`: recordings into a gateway as bedside nodes (docs/replay.md). */
export function register(program: Command): void {
  program
    .command("replay")
    .description(
      "feed recordings (numerics CSV, per-minute numerics, PPG waveform) into a gateway as bedside nodes",
    )
    .argument("[files...]", "CSV recordings, one bed each")
    .option("--gateway <host:port>", "gateway TCP address", hostPort, { host: "127.0.0.1", port: 7070 })
    .option("--speed <n>", "playback speed (60 = a minute per second)", numberOption(0.01, 1e6), 1)
    .option("--bed <label>", "bed label (several files: LABEL-1, LABEL-2, …; default: the file name)")
    .option("--loop", "start again after the last row")
    .option("--start <s>", "skip the recording's first S seconds", numberOption(0, 1e9), 0)
    .option(
      "--map <key=column,...>",
      `columns for ${REPLAY_KEYS.join(", ")}, e.g. hr=HR_bpm,spo2=SpO2_pct`,
      columnMap,
    )
    .option("--time-column <name>", "time column (default: time_ms, t_ms, Time_s, time_s, time, t)")
    .option("--zero-missing", "0 means not measured (default for MIMIC per-minute numerics)")
    .option("--ppg <column>", "the files are PPG waveforms: the pulse (IR) column, through the PPG estimator")
    .option("--red <column>", "with --ppg: the red LED column (SpO2)")
    .option("--rate <hz>", "with --ppg: sampling rate, Hz", numberOption(10, 10_000))
    .option("--demo", "replay the shipped recordings (MIMIC-II numerics, BIDMC PPG)")
    .option("--progress <s>", "seconds between progress lines", numberOption(0.1, 3600), 5)
    .option("--token <secret>", "node token, if the gateway requires one (or VITALS_NODE_TOKEN)")
    .action(async function (this: Command, files: string[], o) {
      const fail = (message: string): never =>
        this.error(`error: ${message}`, { exitCode: 2, code: "vitals.replay" });
      const beds: ReplayBed[] = [];
      try {
        if (o.demo) {
          beds.push(
            {
              bed: "demo-mimic",
              recording: parseNumericsCsv(
                readFileSync(join(RECORDINGS, "mimic2wdb_s00001_numerics_per_minute.csv"), "utf8"),
              ),
            },
            {
              bed: "demo-bidmc",
              recording: parsePpgRecording(
                readFileSync(join(RECORDINGS, "bidmc_03_Signals_first8s.csv"), "utf8"),
                { column: "PLETH", sampleRateHz: 125 },
              ),
            },
          );
        }
        if (!o.demo && files.length === 0) fail("give recordings to replay, or --demo");
        if (o.ppg !== undefined && o.rate === undefined) fail("--ppg needs --rate");
        files.forEach((file, i) => {
          let text = "";
          try {
            text = readFileSync(file, "utf8");
          } catch (e) {
            fail(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
          }
          const recording: ParsedRecording =
            o.ppg !== undefined
              ? parsePpgRecording(text, {
                  column: o.ppg,
                  sampleRateHz: o.rate,
                  ...(o.red ? { red: o.red } : {}),
                })
              : parseNumericsCsv(text, {
                  ...(o.map ? { map: o.map } : {}),
                  ...(o.timeColumn ? { timeColumn: o.timeColumn } : {}),
                  ...(o.zeroMissing ? { zeroIsMissing: true } : {}),
                });
          for (const s of recording.skipped.slice(0, 5))
            process.stderr.write(`${file}:${s.line}: skipped: ${s.why}\n`);
          if (recording.skipped.length > 5)
            process.stderr.write(`${file}: ${recording.skipped.length} lines skipped\n`);
          const bed =
            o.bed === undefined
              ? basename(file).replace(/\.[^.]*$/, "")
              : files.length > 1
                ? `${o.bed}-${i + 1}`
                : o.bed;
          beds.push({ bed, recording });
        });
      } catch (e) {
        if (e instanceof RangeError) fail(e.message);
        throw e;
      }
      const player = new ReplayPlayer({
        host: o.gateway.host,
        port: o.gateway.port,
        beds,
        speed: o.speed,
        loop: Boolean(o.loop),
        startMs: o.start * 1000,
        token: o.token ?? process.env.VITALS_NODE_TOKEN,
        time: systemTime,
        logger: createLogger(process.env.VITALS_LOG_LEVEL ?? "warn"),
      });
      for (const [i, b] of beds.entries())
        process.stdout.write(
          `replaying ${player.status()[i]?.total} rows as bed ${b.bed} → ${o.gateway.host}:${o.gateway.port} at ×${o.speed}\n`,
        );
      const progress = () => {
        for (const s of player.status())
          process.stdout.write(
            `${s.bed}: ${s.connected ? "connected" : "not connected"}, sent ${s.sent}/${s.total}, acked ${s.acked}, pending ${s.pending}\n`,
          );
      };
      const keepAlive = setInterval(progress, o.progress * 1000);
      const finish = async (code: number) => {
        clearInterval(keepAlive);
        progress();
        await player.stop();
        process.exit(code);
      };
      player.once("done", () => {
        process.stdout.write("replay complete: every row acknowledged\n");
        void finish(0);
      });
      process.once("SIGINT", () => void finish(player.status().some((s) => s.pending > 0) ? 1 : 0));
      process.once("SIGTERM", () => void finish(player.status().some((s) => s.pending > 0) ? 1 : 0));
      player.start();
    });
}
