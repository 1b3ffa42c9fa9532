import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { detectAudioPlayer, findExecutable } from "./audio-player.js";

describe("detectAudioPlayer", () => {
  let bin1: string;
  let bin2: string;
  const install = (dir: string, name: string, mode = 0o755) => {
    const file = join(dir, name);
    writeFileSync(file, "#!/bin/sh\nexit 0\n");
    chmodSync(file, mode);
    return file;
  };
  beforeEach(() => {
    bin1 = mkdtempSync(join(tmpdir(), "vitals-bin1-"));
    bin2 = mkdtempSync(join(tmpdir(), "vitals-bin2-"));
  });
  afterEach(() => {
    rmSync(bin1, { recursive: true, force: true });
    rmSync(bin2, { recursive: true, force: true });
  });

  it("takes the first installed player in preference order, wherever it is on PATH", () => {
    install(bin1, "ffplay");
    const paplay = install(bin2, "paplay");
    const p = detectAudioPlayer(undefined, [bin1, bin2].join(delimiter));
    expect(p?.name).toBe("paplay");
    expect(p?.command).toBe(paplay);
    expect(p?.args("/tmp/a.wav", "sink1")).toEqual(["--device=sink1", "/tmp/a.wav"]);
  });

  it("ffplay is told not to open a window and to exit at the end", () => {
    install(bin1, "ffplay");
    expect(detectAudioPlayer(undefined, bin1)?.args("x.wav", undefined)).toEqual([
      "-nodisp",
      "-autoexit",
      "-loglevel",
      "error",
      "x.wav",
    ]);
  });

  it("a file that is not executable is not a player", () => {
    install(bin1, "aplay", 0o644);
    expect(detectAudioPlayer(undefined, bin1)).toBeNull();
    expect(findExecutable("aplay", bin1)).toBeNull();
  });

  it("a configured player is used only if present; a known name keeps its arguments, a program path gets the file", () => {
    install(bin1, "aplay");
    install(bin1, "paplay");
    expect(detectAudioPlayer("pw-play", bin1)).toBeNull();
    expect(detectAudioPlayer("aplay", bin1)?.args("f.wav", "null")).toEqual(["-q", "-D", "null", "f.wav"]);
    const custom = install(bin2, "speaker-relay");
    const p = detectAudioPlayer(custom, "");
    expect(p).toMatchObject({ name: "speaker-relay", command: custom });
    expect(p?.args("f.wav", undefined)).toEqual(["f.wav"]);
  });

  it("nothing installed: null", () => {
    expect(detectAudioPlayer(undefined, bin1)).toBeNull();
    expect(detectAudioPlayer(undefined, "")).toBeNull();
  });
});
