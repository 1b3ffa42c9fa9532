import { z } from "zod";

const SOUND_OUTPUT_KINDS = ["console", "audio", "piezo"] as const;

const piezoSchema = z
  .object({
    /** johnny-five IO plugin: "firmata" (Arduino on a serial port) or "pi-io" (Raspberry Pi GPIO). */
    io: z.enum(["firmata", "pi-io"]).default("firmata"),
    /** Serial port of the Firmata board (/dev/ttyACM0, COM3). Required for firmata. */
    port: z.string().min(1).optional(),
    baudRate: z.number().int().positive().default(57_600),
    /** Arduino pin number (Uno/Nano: D2–D13, A0–A5 = 14–19) or a pi-io name such as "GPIO18". */
    pin: z.union([z.number().int(), z.string().min(1)]).default(3),
    board: z.enum(["uno", "nano"]).default("uno"),
    /** "tone" for a passive piezo (square wave), "level" for an active buzzer (own oscillator). */
    drive: z.enum(["tone", "level"]).default("tone"),
    maxToneHz: z.number().min(50).max(1_000).default(500),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.io === "firmata" && p.port === undefined)
      ctx.addIssue({
        code: "custom",
        path: ["port"],
        message: "a serial port is required for a Firmata board",
      });
    // D0/D1 are the board's serial link to the gateway; toggling them would garble Firmata.
    if (p.io === "firmata" && (typeof p.pin !== "number" || p.pin < 2 || p.pin > 19))
      ctx.addIssue({ code: "custom", path: ["pin"], message: `Uno/Nano pin must be 2–19, got ${p.pin}` });
  });

/** The gateway config's `sound` section: which outputs sound the alarm and how to reach them. */
export const soundConfigSchema = z
  .object({
    outputs: z.array(z.enum(SOUND_OUTPUT_KINDS)).min(1).default(["console"]),
    console: z
      .object({
        /** BEL per pulse; turn off when stdout goes to a log file. The status line is always written. */
        bell: z.boolean().default(true),
      })
      .strict()
      .prefault({}),
    piezo: piezoSchema.optional(),
    audio: z
      .object({
        /** aplay, paplay, pw-play, afplay, ffplay, or a program path; default: the first one installed. */
        player: z.string().min(1).optional(),
        /** Output device for the player (aplay -D, paplay --device, pw-play --target). */
        device: z.string().min(1).optional(),
        /** Peak level, 0–1 of full scale. */
        volume: z.number().gt(0).max(1).default(0.8),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (new Set(c.outputs).size !== c.outputs.length)
      ctx.addIssue({ code: "custom", path: ["outputs"], message: "an output is listed twice" });
    if (c.outputs.includes("piezo") && c.piezo === undefined)
      ctx.addIssue({ code: "custom", path: ["piezo"], message: 'output "piezo" needs a piezo section' });
  });

export type SoundConfig = z.infer<typeof soundConfigSchema>;
export type PiezoConfig = z.infer<typeof piezoSchema>;
