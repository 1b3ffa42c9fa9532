import type { Command } from "commander";
import { SERIAL_DRIVERS } from "../../sensors/serial/serial-driver-registry.js";
import { listSerialPorts, type SerialPortEntry } from "../../sensors/serial/serial-port-lister.js";

export function register(program: Command): void {
  program
    .command("ports")
    .description("list serial ports with their USB ids and the oximeter driver each one suggests")
    .option("--json", "print JSON instead of a table")
    .action(async (o: { json?: boolean }) => {
      const listing = await listSerialPorts();
      if (o.json) {
        process.stdout.write(`${JSON.stringify(listing, null, 2)}\n`);
        return;
      }
      if (listing.warning) process.stderr.write(`vitals ports: ${listing.warning}\n`);
      process.stdout.write(formatPortTable(listing.ports));
    });
}

export function formatPortTable(ports: SerialPortEntry[]): string {
  if (ports.length === 0) {
    return "no serial ports found (is the cable plugged in? is the USB-serial driver loaded? see docs/hardware.md)\n";
  }
  const rows = [
    ["PATH", "USB ID", "MANUFACTURER", "DRIVER"],
    ...ports.map((p) => [
      p.byId ?? p.path,
      p.vendorId && p.productId ? `${p.vendorId}:${p.productId}` : "-",
      p.manufacturer ?? "-",
      p.drivers.length > 0 ? p.drivers.join(" or ") : "-",
    ]),
  ];
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length))) ?? [];
  const lines = rows.map((r) =>
    r
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd(),
  );
  const known = Object.keys(SERIAL_DRIVERS).join(", ");
  return `${lines.join("\n")}\n\nserial oximeter drivers: ${known}\n`;
}
