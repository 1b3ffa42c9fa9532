/**
 * An HL7 receiver nobody here wrote: @medplum/hl7's Hl7Connection does the MLLP framing, parsing and
 * ACK building (Hl7Message.buildAck) on each accepted socket. The listening socket is ours only
 * because Hl7Server.start() binds to every interface and tests bind to loopback.
 *
 * (node-hl7-server 2.5.0 was tried first: it never clears its receive buffer, so every later message
 * on a connection is answered with the first message's ACK. The gateway's client noticed — MSA-2 did
 * not match — reconnected and resent, as it should, but a receiver for tests must not do that.)
 */
import { createServer, type Server, type Socket } from "node:net";
import { Hl7Connection } from "@medplum/hl7";

export interface Hl7Receiver {
  port: number;
  /** Raw messages in arrival order (duplicates included). */
  messages: string[];
  waitFor(pred: (messages: string[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** A free loopback port (so a receiver can come back on the same one). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export async function startHl7Receiver(
  opts: { port?: number; answer?: (message: string) => "AA" | "AE" | "AR" } = {},
): Promise<Hl7Receiver> {
  const messages: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    const connection = new Hl7Connection(socket);
    connection.addEventListener("message", ({ message }) => {
      const text = message.toString();
      messages.push(text);
      connection.send(message.buildAck({ ackCode: opts.answer?.(text) ?? "AA" }));
    });
    connection.addEventListener("error", () => {});
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, "127.0.0.1", () => resolve()));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    messages,
    async waitFor(pred, timeoutMs = 15_000) {
      const until = Date.now() + timeoutMs;
      while (!pred(messages)) {
        if (Date.now() > until) throw new Error(`receiver: condition not met; ${messages.length} messages`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
