// Minimal typings for the parts of johnny-five and firmata-io this project uses (neither ships types).
declare module "johnny-five" {
  import type { EventEmitter } from "node:events";

  export interface BoardOptions {
    io?: unknown;
    repl?: boolean;
    debug?: boolean;
    timeout?: number;
  }
  export class Board extends EventEmitter {
    constructor(options?: BoardOptions);
    readonly io: import("./i2c-register-port.js").I2cIo & EventEmitter;
    readonly isReady: boolean;
  }
  export interface ThermometerOptions {
    controller?: string;
    pin?: number | string;
    address?: number;
    freq?: number;
    board?: Board;
  }
  export class Thermometer extends EventEmitter {
    constructor(options: ThermometerOptions);
    readonly celsius: number;
  }
  export interface PiezoOptions {
    pin: number;
    board?: Board;
  }
  export class Piezo {
    constructor(options: PiezoOptions | number);
    frequency(hz: number, durationMs: number): this;
    off(): this;
    /** Writes LOW and stops the tone timer (lib/piezo.js DEFAULT.noTone). */
    noTone(): this;
    readonly isPlaying: boolean;
  }
  const five: { Board: typeof Board; Thermometer: typeof Thermometer; Piezo: typeof Piezo };
  export default five;
}

declare module "firmata-io" {
  import type { EventEmitter } from "node:events";

  export class Firmata extends EventEmitter {
    constructor(transport: NodeJS.ReadWriteStream, options?: { reportVersionTimeout?: number });
    readonly isReady: boolean;
    readonly firmware: { name?: string; version?: { major: number; minor: number } };
  }
  const bind: { Firmata: typeof Firmata };
  export default bind;
}
