import type { DeliveryOutcome, OutboxTransport } from "../interop/delivery-pump.js";
import type { OutboxRow } from "../interop/interop-outbox.js";
import { parseAck } from "./ack.js";
import { MllpClient, type MllpClientOptions } from "./mllp-client.js";

/**
 * Delivers outbox rows over one MLLP link and judges each answer (HL7 v2.6 §2.9, original mode;
 * enhanced-mode commit codes are read the same way): AA/CA delivered; AR/CR rejected for reasons
 * unrelated to the content (receiver busy, down) — retried; AE/CE an error in the content — sending
 * it again unchanged cannot help, so it is dead-lettered for someone to look at.
 */
export class MllpTransport implements OutboxTransport {
  private readonly client: MllpClient;

  constructor(
    readonly name: string,
    options: MllpClientOptions,
    private readonly ackTimeoutMs: number,
  ) {
    this.client = new MllpClient(options);
  }

  async deliver(row: OutboxRow): Promise<DeliveryOutcome> {
    let reply: string;
    try {
      reply = await this.client.exchange(row.payload, this.ackTimeoutMs);
    } catch (e) {
      return { kind: "unreachable", error: e instanceof Error ? e.message : String(e) };
    }
    let ack: ReturnType<typeof parseAck>;
    try {
      ack = parseAck(reply);
    } catch (e) {
      return {
        kind: "retry",
        error: `unreadable acknowledgment: ${(e as Error).message}`,
        response: reply.slice(0, 2000),
      };
    }
    if (ack.controlId !== row.controlId) {
      // Not the answer to this message: the link is out of step. Start a new connection.
      this.client.close();
      return { kind: "unreachable", error: `acknowledgment for ${ack.controlId}, expected ${row.controlId}` };
    }
    const response = reply.slice(0, 2000);
    switch (ack.code) {
      case "AA":
      case "CA":
        return { kind: "delivered", response };
      case "AR":
      case "CR":
        return { kind: "retry", error: `${ack.code}${ack.text ? `: ${ack.text}` : ""}`, response };
      case "AE":
      case "CE":
        return { kind: "dead", error: `${ack.code}${ack.text ? `: ${ack.text}` : ""}`, response };
      default: {
        const never: never = ack.code;
        return { kind: "retry", error: `unknown acknowledgment ${String(never)}`, response };
      }
    }
  }

  close(): void {
    this.client.close();
  }
}
