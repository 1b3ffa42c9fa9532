import type { ChildProcess } from "node:child_process";
import { execFileSync, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { burst, burstLengthMs, DEFAULT_BURST_PATTERNS } from "../../core/burst-pattern.js";
import { AudioDeviceOutput } from "../../gateway/outputs/sound/audio-device-output.js";
import { type AudioPlayer, detectAudioPlayer } from "../../gateway/outputs/sound/audio-player.js";
import { FakeTime } from "../support/fake-time.js";
import { haveTool } from "../support/require-tool.js";

/** The fields of a canonical PCM WAV header, read straight from the bytes. */
function readWavHeader(buf: Buffer) {
  return {
    riff: buf.toString("ascii", 0, 4),
    riffSize: buf.readUInt32LE(4),
    wave: buf.toString("ascii", 8, 12),
    format: buf.readUInt16LE(20),
    channels: buf.readUInt16LE(22),
    sampleRate: buf.readUInt32LE(24),
    bitsPerSample: buf.readUInt16LE(34),
    data: buf.toString("ascii", 36, 40),
    dataBytes: buf.readUInt32LE(40),
  };
}

/** Spawns the real player and keeps hold of every process, so the test can watch it end. */
function recordingSpawn() {
  const children: ChildProcess[] = [];
  const fn = (command: string, args: string[]) => {
    const child = spawn(command, args, { stdio: "ignore" });
    children.push(child);
    return child;
  };
  return { children, spawn: fn };
}

const exited = (child: ChildProcess) =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve([child.exitCode, child.signalCode])
    : once(child, "exit");

describe.skipIf(!haveTool("aplay", "alsa-utils"))("AudioDeviceOutput with ALSA's aplay", () => {
  let dir: string;
  let player: AudioPlayer;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "vitals-sound-test-"));
    player = detectAudioPlayer("aplay") as AudioPlayer;
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("renders one WAV per burst (PCM 16-bit mono, as long as the burst) and aplay plays it to the null device", async () => {
    const rec = recordingSpawn();
    const out = new AudioDeviceOutput({ player, device: "null", dir, spawn: rec.spawn });
    const pulses = burst(DEFAULT_BURST_PATTERNS.high);
    out.start(pulses, "high");
    const [code] = await exited(rec.children[0] as ChildProcess);
    expect(code).toBe(0); // aplay accepted the file: a malformed header makes it exit 1
    const files = readdirSync(dir);
    expect(files).toHaveLength(1);
    const wav = readFileSync(join(dir, files[0] as string));
    const h = readWavHeader(wav);
    expect(h).toMatchObject({
      riff: "RIFF",
      wave: "WAVE",
      format: 1,
      channels: 1,
      bitsPerSample: 16,
      data: "data",
    });
    expect(h.riffSize).toBe(wav.length - 8);
    expect(h.dataBytes).toBe(wav.length - 44);
    const durationMs = (h.dataBytes / 2 / h.sampleRate) * 1000;
    expect(Math.abs(durationMs - burstLengthMs(DEFAULT_BURST_PATTERNS.high))).toBeLessThan(
      1000 / h.sampleRate,
    );
    // The next burst of the same priority replays the same file instead of rendering again.
    out.start(pulses, "high");
    await exited(rec.children[1] as ChildProcess);
    expect(readdirSync(dir)).toHaveLength(1);
    expect(out.plays).toBe(2);
    expect(out.lastExit).toEqual({ code: 0, signal: null });
    await out.close();
  });

  it("what aplay hands to the device is the rendered burst, sample for sample", async () => {
    // ALSA's file plugin writes the PCM stream aplay plays into a FIFO the test reads.
    const fifo = join(dir, "device.fifo");
    execFileSync("mkfifo", [fifo]);
    const rec = recordingSpawn();
    const out = new AudioDeviceOutput({
      player,
      device: `file:FILE=${fifo},FORMAT=raw`,
      dir,
      spawn: rec.spawn,
    });
    const pulses = burst(DEFAULT_BURST_PATTERNS.medium);
    out.start(pulses, "medium");
    const chunks: Buffer[] = [];
    const { createReadStream } = await import("node:fs");
    for await (const chunk of createReadStream(fifo)) chunks.push(chunk as Buffer);
    const [code] = await exited(rec.children[0] as ChildProcess);
    expect(code).toBe(0);
    const played = Buffer.concat(chunks);
    const wav = readFileSync(out.wavFor(pulses));
    const pcm = wav.subarray(44);
    // aplay pads the last period with silence; everything before is our samples.
    expect(played.length).toBeGreaterThanOrEqual(pcm.length);
    expect(played.subarray(0, pcm.length).equals(pcm)).toBe(true);
    expect(played.subarray(pcm.length).every((b) => b === 0)).toBe(true);
    await out.close();
  });

  it("stop() kills a player that is still playing, and a new burst replaces the old player", async () => {
    // A FIFO nobody reads is a device that never drains: aplay stays blocked "playing" until killed.
    const fifo = join(dir, "stuck.fifo");
    execFileSync("mkfifo", [fifo]);
    const rec = recordingSpawn();
    // The SIGKILL grace runs on fake time: the test moves it past the grace instead of waiting for it.
    const time = new FakeTime();
    const out = new AudioDeviceOutput({
      player,
      device: `file:FILE=${fifo},FORMAT=raw`,
      dir,
      spawn: rec.spawn,
      time,
    });
    out.start(burst(DEFAULT_BURST_PATTERNS.high), "high");
    await new Promise((r) => setTimeout(r, 200));
    const first = rec.children[0] as ChildProcess;
    expect(first.exitCode).toBeNull();
    expect(out.playing).toBe(true);
    out.start(burst(DEFAULT_BURST_PATTERNS.medium), "medium");
    time.advance(500); // past the grace: a player still running now gets SIGKILL
    const killed = [
      [null, "SIGTERM"],
      [null, "SIGKILL"],
    ]; // SIGKILL: aplay ignored SIGTERM for the grace time
    expect(killed).toContainEqual(await exited(first));
    const second = rec.children[1] as ChildProcess;
    await new Promise((r) => setTimeout(r, 200));
    expect(second.exitCode).toBeNull();
    out.stop();
    expect(out.playing).toBe(false);
    time.advance(500);
    expect(killed).toContainEqual(await exited(second));
    await out.close();
  });
});

describe("AudioDeviceOutput without a usable player", () => {
  it("a player that cannot be started is logged, not thrown, and the output stays usable", async () => {
    const out = new AudioDeviceOutput({
      player: { name: "gone", command: join(tmpdir(), "no-such-player-here"), args: (f) => [f] },
    });
    out.start(burst(DEFAULT_BURST_PATTERNS.low), "low");
    // spawn reports ENOENT asynchronously, then the output forgets the child.
    await expect.poll(() => out.playing).toBe(false);
    expect(() => out.stop()).not.toThrow();
    await out.close();
  });
});
