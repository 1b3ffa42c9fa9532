export {
  AlarmSoundController,
  type AlarmSoundControllerOptions,
  type AlarmSoundStatus,
} from "./alarm-sound-controller.js";
export { AudioDeviceOutput, type PlayerExit, type SpawnPlayer } from "./audio-device-output.js";
export { type AudioPlayer, detectAudioPlayer, KNOWN_PLAYERS } from "./audio-player.js";
export { BEL, ConsoleBellOutput, type TextSink } from "./console-bell-output.js";
export { createSoundOutputs, type SoundOutputDeps } from "./create-sound-outputs.js";
export { openPiezoBoard, type PiezoBoard } from "./piezo-board.js";
export { type PiezoDrive, type PiezoIo, PiezoOutput } from "./piezo-output.js";
export {
  type PiezoConfig,
  type SoundConfig,
  type SoundConfigInput,
  soundConfigSchema,
} from "./sound-config.js";
export type { SoundOutput } from "./sound-output.js";
