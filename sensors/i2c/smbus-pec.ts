/**
 * SMBus Packet Error Code: CRC-8, polynomial x⁸+x²+x+1 (0x07), initial value 0, no reflection, over
 * every byte of the transaction including the address bytes (SMBus 2.0 §5.4.1.2).
 */
export function smbusPec(bytes: Iterable<number>): number {
  let crc = 0;
  for (const b of bytes) {
    crc ^= b & 0xff;
    for (let i = 0; i < 8; i++) crc = crc & 0x80 ? ((crc << 1) ^ 0x07) & 0xff : (crc << 1) & 0xff;
  }
  return crc;
}
