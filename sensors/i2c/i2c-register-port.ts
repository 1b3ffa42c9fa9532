import { ErrorCodes, VitalsError } from "../../core/errors.js";
import type { TimeSource } from "../../core/time.js";

/**
 * The part of a johnny-five IO plugin (firmata.js `Board.io`) the I2C drivers use. johnny-five's own
 * I2C components talk to exactly these methods, so any IO plugin with I2C support works.
 */
export interface I2cIo {
  i2cConfig(options: { address?: number; delay?: number; settings?: { stopTX?: boolean } }): unknown;
  i2cReadOnce(address: number, register: number, bytes: number, callback: (data: number[]) => void): unknown;
  i2cWrite(address: number, register: number, bytes: number[]): unknown;
  /** firmata.js is an EventEmitter: "string" carries the firmware's error messages. */
  on?(event: "string", listener: (text: string) => void): unknown;
  removeListener?(event: string, listener: (...args: never[]) => void): unknown;
}

export interface I2cRegisterPortOptions {
  /** false = keep the bus (repeated START) between writing the register and reading (SMBus devices). */
  stopBetweenWriteAndRead?: boolean;
  /** No reply in this long → the read fails. */
  timeoutMs?: number;
}

/**
 * One read at a time per IO, whatever the device: StandardFirmata answers a NACKed or short read with
 * a "I2C: Too few bytes received" string and then a normal-looking reply full of the PREVIOUS read's
 * bytes. Only with a single outstanding read can that string be pinned on the right request.
 */
interface IoChannel {
  queue: Promise<unknown>;
  firmwareComplained: string | undefined;
}
const channels = new WeakMap<I2cIo, IoChannel>();

function channelOf(io: I2cIo): IoChannel {
  let channel = channels.get(io);
  if (!channel) {
    const created: IoChannel = { queue: Promise.resolve(), firmwareComplained: undefined };
    io.on?.("string", (text) => {
      if (text.startsWith("I2C")) created.firmwareComplained = text;
    });
    channels.set(io, created);
    channel = created;
  }
  return channel;
}

/** One I2C peripheral's registers over a johnny-five IO, as promises. */
export class I2cRegisterPort {
  private readonly timeoutMs: number;
  private readonly channel: IoChannel;

  constructor(
    private readonly io: I2cIo,
    readonly address: number,
    private readonly time: TimeSource,
    options: I2cRegisterPortOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? 500;
    this.channel = channelOf(io);
    io.i2cConfig({ address, settings: { stopTX: options.stopBetweenWriteAndRead ?? true } });
  }

  read(register: number, length: number): Promise<number[]> {
    return this.enqueue(
      () =>
        new Promise<number[]>((resolve, reject) => {
          const fail = (why: string) =>
            new VitalsError(
              `I2C 0x${this.address.toString(16)} register 0x${register.toString(16)}: ${why}`,
              ErrorCodes.DeviceIo,
              { address: this.address, register },
            );
          this.channel.firmwareComplained = undefined;
          const onReply = (data: number[]) => {
            timeout.cancel();
            const complaint = this.channel.firmwareComplained;
            if (complaint !== undefined)
              reject(fail(`firmware says "${complaint}" (reply holds stale bytes)`));
            else if (data.length !== length) reject(fail(`${data.length} bytes, expected ${length}`));
            else resolve(data);
          };
          const timeout = this.time.after(this.timeoutMs, () => {
            this.io.removeListener?.(`I2C-reply-${this.address}-${register}`, onReply);
            reject(fail("no reply"));
          });
          this.io.i2cReadOnce(this.address, register, length, onReply);
        }),
    );
  }

  write(register: number, bytes: number[]): Promise<void> {
    return this.enqueue(async () => {
      this.io.i2cWrite(this.address, register, bytes);
    });
  }

  private enqueue<T>(op: () => Promise<T>): Promise<T> {
    const next = this.channel.queue.then(op, op);
    this.channel.queue = next.catch(() => undefined);
    return next;
  }
}
