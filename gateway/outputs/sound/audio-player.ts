import { accessSync, constants } from "node:fs";
import { delimiter, isAbsolute, join } from "node:path";

/** A command-line program that plays a WAV file and exits when done. */
export interface AudioPlayer {
  /** Known name (aplay, paplay…) or the program given in config. */
  name: string;
  /** Resolved executable. */
  command: string;
  args(file: string, device: string | undefined): string[];
}

interface KnownPlayer {
  name: string;
  args(file: string, device: string | undefined): string[];
}

/**
 * In order of preference: ALSA first (no daemon needed on a headless Pi), then the PulseAudio and
 * PipeWire clients of desktop Linux, macOS's afplay, and ffplay, which exists wherever ffmpeg does.
 */
const KNOWN_PLAYERS: readonly KnownPlayer[] = [
  { name: "aplay", args: (f, d) => ["-q", ...(d ? ["-D", d] : []), f] },
  { name: "paplay", args: (f, d) => [...(d ? [`--device=${d}`] : []), f] },
  { name: "pw-play", args: (f, d) => [...(d ? ["--target", d] : []), f] },
  { name: "afplay", args: (f) => [f] },
  { name: "ffplay", args: (f) => ["-nodisp", "-autoexit", "-loglevel", "error", f] },
];

/** The executable `name` resolves to on `searchPath`, or null. No shell is involved. */
export function findExecutable(name: string, searchPath = process.env.PATH ?? ""): string | null {
  const candidates = isAbsolute(name)
    ? [name]
    : searchPath
        .split(delimiter)
        .filter(Boolean)
        .map((d) => join(d, name));
  for (const c of candidates) {
    try {
      accessSync(c, constants.X_OK);
      return c;
    } catch {
      // not here; try the next directory
    }
  }
  return null;
}

/**
 * The player to use: `preferred` if given (a known name gets its usual arguments; any other program is
 * called as `program <file>`), else the first known player installed. Null when none is.
 */
export function detectAudioPlayer(preferred?: string, searchPath?: string): AudioPlayer | null {
  if (preferred !== undefined) {
    const command = findExecutable(preferred, searchPath);
    if (command === null) return null;
    const base = preferred.split(/[\\/]/).at(-1) ?? preferred;
    const known = KNOWN_PLAYERS.find((p) => p.name === base);
    return { name: base, command, args: known?.args ?? ((f) => [f]) };
  }
  for (const p of KNOWN_PLAYERS) {
    const command = findExecutable(p.name, searchPath);
    if (command !== null) return { name: p.name, command, args: p.args };
  }
  return null;
}
