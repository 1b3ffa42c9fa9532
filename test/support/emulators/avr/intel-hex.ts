import { ErrorCodes, VitalsError } from "../../../../core/errors.js";

/**
 * Intel HEX (the format avr-gcc/arduino-cli emit and avrdude flashes) → flash image.
 * Only the record types an AVR image uses: 00 data, 01 EOF, 02 extended segment address,
 * 04 extended linear address (03/05 start addresses are ignored: AVRs always boot at 0).
 * Every record's checksum is verified; a malformed file throws instead of loading half a program.
 */
export function parseIntelHex(text: string, flashBytes = 32 * 1024): Uint8Array {
  const flash = new Uint8Array(flashBytes).fill(0xff); // erased flash reads 0xFF
  let base = 0;
  let sawEof = false;
  const lines = text.split(/\r?\n/);
  for (let n = 0; n < lines.length; n++) {
    const line = (lines[n] ?? "").trim();
    if (line === "") continue;
    if (sawEof) throw hexError(n, "data after the EOF record");
    if (!/^:([0-9A-Fa-f]{2}){5,}$/.test(line)) throw hexError(n, "not a hex record");
    const bytes = Buffer.from(line.slice(1), "hex");
    const count = bytes[0] ?? 0;
    if (bytes.length !== count + 5) throw hexError(n, `length ${bytes.length} does not match count ${count}`);
    let sum = 0;
    for (const b of bytes) sum = (sum + b) & 0xff;
    if (sum !== 0) throw hexError(n, "checksum mismatch");
    const offset = ((bytes[1] ?? 0) << 8) | (bytes[2] ?? 0);
    const type = bytes[3];
    const data = bytes.subarray(4, 4 + count);
    switch (type) {
      case 0x00: {
        const at = base + offset;
        if (at + count > flashBytes) throw hexError(n, `data at 0x${at.toString(16)} beyond flash`);
        flash.set(data, at);
        break;
      }
      case 0x01:
        sawEof = true;
        break;
      case 0x02:
        base = (((data[0] ?? 0) << 8) | (data[1] ?? 0)) << 4;
        break;
      case 0x04:
        base = (((data[0] ?? 0) << 8) | (data[1] ?? 0)) << 16;
        break;
      case 0x03:
      case 0x05:
        break;
      default:
        throw hexError(n, `unknown record type ${type}`);
    }
  }
  if (!sawEof) throw new VitalsError("Intel HEX has no EOF record (truncated?)", ErrorCodes.ConfigInvalid);
  return flash;
}

/** AVR program memory is addressed in 16-bit little-endian words; avr8js wants that view. */
export function toProgramWords(flash: Uint8Array): Uint16Array {
  const words = new Uint16Array(flash.length >> 1);
  for (let i = 0; i < words.length; i++) words[i] = (flash[2 * i] ?? 0) | ((flash[2 * i + 1] ?? 0) << 8);
  return words;
}

function hexError(line: number, why: string): VitalsError {
  return new VitalsError(`Intel HEX line ${line + 1}: ${why}`, ErrorCodes.ConfigInvalid, { line: line + 1 });
}
