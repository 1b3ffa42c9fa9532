import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Logger, silentLogger } from "../../../core/logger.js";
import { systemTime, type TimeSource } from "../../../core/time.js";
import { renderWav } from "../../alarms/wav-renderer.js";
import type { AudioPlayer } from "./audio-player.js";
import type { Priority, ScheduledPulse, SoundOutput } from "./sound-output.js";

export type SpawnPlayer = (command: string, args: string[]) => ChildProcess;

const defaultSpawn: SpawnPlayer = (command, args) => spawn(command, args, { stdio: "ignore" });

export interface PlayerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface AudioDeviceOutputOptions {
  player: AudioPlayer;
  /** Player's output device (aplay -D, paplay --device, pw-play --target); default the system's. */
  device?: string;
  /** Peak level, 0–1 of full scale. Default 0.8. */
  volume?: number;
  /** Where the rendered WAV files go; default a fresh directory under the OS temp dir. */
  dir?: string;
  spawn?: SpawnPlayer;
  logger?: Logger;
  /** A player still running this long after SIGTERM gets SIGKILL. Default 500 ms. */
  killGraceMs?: number;
  time?: TimeSource;
}

/**
 * The machine's sound card. Each burst is rendered once (IEC harmonics and envelope, wav-renderer.ts)
 * to a WAV file that a stock command-line player plays; one process per burst keeps start-up latency
 * (tens of ms) out of the pulse timing inside the burst. stop() kills the player, so a silenced alarm
 * is cut off mid-pulse rather than finishing its burst.
 */
export class AudioDeviceOutput implements SoundOutput {
  readonly name = "audio";
  private readonly player: AudioPlayer;
  private readonly device: string | undefined;
  private readonly volume: number;
  private readonly spawn: SpawnPlayer;
  private readonly log: Logger;
  private readonly ownsDir: boolean;
  private dir: string | undefined;
  private readonly files = new Map<string, string>();
  private child: ChildProcess | null = null;
  private readonly killGraceMs: number;
  private readonly time: TimeSource;
  /** How the last player process ended (metrics, tests): a non-zero code means the device refused. */
  lastExit: PlayerExit | null = null;
  /** Player processes started so far. */
  plays = 0;

  constructor(options: AudioDeviceOutputOptions) {
    this.player = options.player;
    this.device = options.device;
    this.volume = options.volume ?? 0.8;
    if (!(this.volume > 0 && this.volume <= 1))
      throw new RangeError(`volume must be in (0, 1], got ${this.volume}`);
    this.spawn = options.spawn ?? defaultSpawn;
    this.log = (options.logger ?? silentLogger).child({ ns: "sound.audio" });
    this.dir = options.dir;
    this.killGraceMs = options.killGraceMs ?? 500;
    this.time = options.time ?? systemTime;
    this.ownsDir = options.dir === undefined;
  }

  /** The WAV file for a schedule, rendered on first use. */
  wavFor(schedule: readonly ScheduledPulse[]): string {
    const key = JSON.stringify(schedule);
    const known = this.files.get(key);
    if (known !== undefined) return known;
    this.dir ??= mkdtempSync(join(tmpdir(), "vitals-sound-"));
    const file = join(this.dir, `burst-${this.files.size + 1}.wav`);
    writeFileSync(file, renderWav(schedule, { level: this.volume }));
    this.files.set(key, file);
    return file;
  }

  start(schedule: readonly ScheduledPulse[], priority: Priority): void {
    this.stop();
    if (schedule.length === 0) return;
    const file = this.wavFor(schedule);
    const child = this.spawn(this.player.command, this.player.args(file, this.device));
    this.child = child;
    this.plays++;
    child.once("error", (err) => {
      // e.g. the player was uninstalled after start-up; the controller keeps other outputs sounding.
      this.log.error({ err, player: this.player.name }, "audio player failed to start");
      if (this.child === child) this.child = null;
    });
    child.once("exit", (code, signal) => {
      this.lastExit = { code, signal };
      if (this.child === child) this.child = null;
      if (code !== 0 && signal === null)
        this.log.warn({ code, player: this.player.name, priority }, "audio player exited with an error");
    });
  }

  stop(): void {
    const child = this.child;
    this.child = null;
    if (child === null || child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    // aplay answers SIGTERM by aborting the PCM and carrying on until its blocked write returns; a device
    // that never drains (a hung sound server, a stalled USB card) would keep it, and the sound, alive.
    const force = this.time.after(this.killGraceMs, () => child.kill("SIGKILL"));
    child.once("exit", () => force.cancel());
  }

  /** True while a player process runs. */
  get playing(): boolean {
    return this.child !== null;
  }

  async close(): Promise<void> {
    this.stop();
    if (this.ownsDir && this.dir !== undefined) rmSync(this.dir, { recursive: true, force: true });
    this.dir = this.ownsDir ? undefined : this.dir;
    this.files.clear();
  }
}
