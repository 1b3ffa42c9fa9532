import { type Logger, silentLogger } from "../../../core/logger.js";
import type { TimeSource } from "../../../core/time.js";
import { AudioDeviceOutput, type SpawnPlayer } from "./audio-device-output.js";
import { detectAudioPlayer } from "./audio-player.js";
import { ConsoleBellOutput, type TextSink } from "./console-bell-output.js";
import { openPiezoBoard, type PiezoBoard } from "./piezo-board.js";
import { PiezoOutput } from "./piezo-output.js";
import type { PiezoConfig, SoundConfig } from "./sound-config.js";
import type { SoundOutput } from "./sound-output.js";

export interface SoundOutputDeps {
  logger?: Logger;
  time?: TimeSource;
  /** Console output's stream; default process.stdout. */
  stream?: TextSink;
  spawn?: SpawnPlayer;
  /** PATH to look for audio players on; default process.env.PATH. */
  searchPath?: string;
  /** Connects the piezo's board; default: johnny-five over Firmata on a serial port, or pi-io. */
  openPiezoBoard?: (config: PiezoConfig, logger: Logger) => Promise<PiezoBoard>;
}

/**
 * The configured outputs, ready to play. An output that cannot be opened (no player installed, buzzer
 * board unplugged) is logged and left out rather than stopping the gateway; if none is left, the
 * console bell is used, so an alarm is never configured into silence.
 */
export async function createSoundOutputs(
  config: SoundConfig,
  deps: SoundOutputDeps = {},
): Promise<SoundOutput[]> {
  const logger = (deps.logger ?? silentLogger).child({ ns: "sound" });
  const consoleBell = () =>
    new ConsoleBellOutput({ stream: deps.stream, time: deps.time, bell: config.console.bell });
  const out: SoundOutput[] = [];
  for (const kind of config.outputs) {
    switch (kind) {
      case "console":
        out.push(consoleBell());
        break;
      case "audio": {
        const player = detectAudioPlayer(config.audio.player, deps.searchPath);
        if (player === null) {
          logger.error(
            { player: config.audio.player ?? "any of aplay, paplay, pw-play, afplay, ffplay" },
            "no audio player found",
          );
          break;
        }
        logger.info({ player: player.command }, "audio output");
        out.push(
          new AudioDeviceOutput({
            player,
            device: config.audio.device,
            volume: config.audio.volume,
            spawn: deps.spawn,
            time: deps.time,
            logger,
          }),
        );
        break;
      }
      case "piezo": {
        const piezo = config.piezo;
        if (piezo === undefined) break; // the schema requires it; kept for direct callers
        try {
          const board = await (deps.openPiezoBoard ?? openPiezoBoard)(piezo, logger);
          out.push(
            new PiezoOutput({
              io: board.io,
              pin: piezo.pin,
              drive: piezo.drive,
              maxToneHz: piezo.maxToneHz,
              time: deps.time,
              logger,
              release: board.close,
            }),
          );
          logger.info({ io: piezo.io, port: piezo.port, pin: piezo.pin }, "piezo output");
        } catch (err) {
          logger.error({ err, io: piezo.io, port: piezo.port }, "piezo board could not be opened");
        }
        break;
      }
      default: {
        const never: never = kind;
        throw new Error(`unknown sound output ${String(never)}`);
      }
    }
  }
  if (out.length === 0) {
    logger.warn("no configured sound output could be opened; falling back to the console bell");
    out.push(consoleBell());
  }
  return out;
}
