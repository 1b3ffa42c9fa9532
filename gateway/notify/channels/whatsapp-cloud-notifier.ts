import type { ChannelConfig } from "../config.js";
import { type FetchLike, httpPost } from "../http-post.js";
import type { NotificationMessage } from "../message.js";
import type { DeliveryContext, DeliveryReceipt, Notifier } from "../notifier.js";

type Config = Extract<ChannelConfig, { type: "whatsapp_cloud" }>;

/**
 * WhatsApp Business Cloud API: POST {base}/{version}/{phone-number-id}/messages with a bearer token.
 * Success is 200 with `messages[0].id` (a wamid); errors carry `{error: {message, type, code, fbtrace_id}}`.
 */
export class WhatsAppCloudNotifier implements Notifier {
  readonly type = "whatsapp_cloud";

  constructor(
    readonly name: string,
    private readonly cfg: Config,
    private readonly accessToken: string,
    private readonly fetchImpl: FetchLike,
  ) {}

  async send(m: NotificationMessage, recipient: string, ctx: DeliveryContext): Promise<DeliveryReceipt> {
    const url = `${this.cfg.apiBaseUrl.replace(/\/+$/, "")}/${this.cfg.apiVersion}/${encodeURIComponent(this.cfg.phoneNumberId)}/messages`;
    const res = await httpPost(this.fetchImpl, {
      url,
      headers: { authorization: `Bearer ${this.accessToken}`, "content-type": "application/json" },
      body: JSON.stringify(this.body(m, recipient)),
      timeoutMs: this.cfg.timeoutMs,
      now: ctx.now,
    });
    const id = (res as { messages?: { id?: unknown }[] } | null)?.messages?.[0]?.id;
    return typeof id === "string" ? { providerId: id } : {};
  }

  private body(m: NotificationMessage, recipient: string): Record<string, unknown> {
    // The API takes the number in international format; a leading "+" is tolerated, spaces are not.
    const to = recipient.replace(/[\s()-]/g, "");
    const base = { messaging_product: "whatsapp", recipient_type: "individual", to };
    const t = this.cfg.template;
    if (!t) return { ...base, type: "text", text: { preview_url: m.link !== undefined, body: m.text } };
    const field = (f: (typeof t.parameters)[number]): string => {
      const v =
        f === "priority"
          ? m.priority.toUpperCase()
          : f === "time"
            ? m.data.at
            : f === "ward" || f === "bed"
              ? m.data[f]
              : m[f];
      // Template variables may not be empty or contain newlines.
      return String(v ?? "-").replace(/\s*\n\s*/g, " · ") || "-";
    };
    return {
      ...base,
      type: "template",
      template: {
        name: t.name,
        language: { code: t.language },
        components: [
          { type: "body", parameters: t.parameters.map((f) => ({ type: "text", text: field(f) })) },
        ],
      },
    };
  }
}
