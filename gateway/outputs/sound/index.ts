export { AlarmSoundController } from "./alarm-sound-controller.js";
export { createSoundOutputs } from "./create-sound-outputs.js";
