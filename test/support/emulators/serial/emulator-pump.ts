import { systemTime, type Timer, type TimeSource } from "../../../../core/time.js";
import type { DeviceEmulator, PatientState } from "./patient-state.js";

/**
 * Drives a DeviceEmulator in real (or fake) time: every `tickMs` it writes the packets that are due
 * at the device's rate for the current patient state, and hands host bytes to the emulator. The
 * transport is two callbacks, so the same pump feeds a pseudo-terminal, a mock binding or a socket.
 */
export class EmulatorPump {
  private timer: Timer | null = null;
  private startedAt = 0;
  private sent = 0;

  constructor(
    private readonly device: DeviceEmulator,
    private readonly write: (bytes: Uint8Array) => void,
    private state: PatientState,
    private readonly time: TimeSource = systemTime,
    private readonly tickMs = 20,
  ) {}

  setState(state: PatientState): void {
    this.state = state;
  }

  /** Inject raw bytes into the stream (line noise, a burst of garbage). */
  inject(bytes: Uint8Array): void {
    this.write(bytes);
  }

  /** Bytes the host sent to the device; any reply is written back at once. */
  fromHost(bytes: Uint8Array): void {
    const reply = this.device.receive(bytes, this.time.now());
    if (reply.length > 0) this.write(reply);
  }

  start(): void {
    this.startedAt = this.time.now();
    this.sent = 0;
    this.timer = this.time.every(this.tickMs, () => this.tick());
  }

  stop(): void {
    this.timer?.cancel();
    this.timer = null;
  }

  private tick(): void {
    const now = this.time.now();
    const due = Math.floor(((now - this.startedAt) * this.device.packetsPerSecond) / 1000);
    const parts: Uint8Array[] = [];
    for (; this.sent < due; this.sent++) {
      const t = this.startedAt + (this.sent * 1000) / this.device.packetsPerSecond;
      parts.push(this.device.nextPacket(this.state, t));
    }
    const bytes = Buffer.concat(parts);
    if (bytes.length > 0) this.write(bytes);
  }
}
