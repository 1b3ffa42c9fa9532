import type { ChannelConfig } from "../config.js";
import { type FetchLike, httpPost } from "../http-post.js";
import type { NotificationMessage } from "../message.js";
import type { DeliveryContext, DeliveryReceipt, Notifier } from "../notifier.js";
import { signWebhook } from "../webhook-signature.js";

type Config = Extract<ChannelConfig, { type: "webhook" }>;

/**
 * Generic webhook: JSON POST to each recipient URL, signed (webhook-signature.ts). The delivery id lets a
 * receiver drop the duplicate that at-least-once delivery may produce.
 */
export class WebhookNotifier implements Notifier {
  readonly type = "webhook";

  constructor(
    readonly name: string,
    private readonly cfg: Config,
    private readonly secret: string,
    private readonly fetchImpl: FetchLike,
  ) {}

  async send(m: NotificationMessage, url: string, ctx: DeliveryContext): Promise<DeliveryReceipt> {
    const body = JSON.stringify({
      type: "vitals.notification",
      deliveryId: ctx.deliveryId,
      title: m.title,
      text: m.text,
      priority: m.priority,
      ...m.data,
    });
    const timestamp = Math.floor(ctx.now / 1000);
    await httpPost(this.fetchImpl, {
      url,
      headers: {
        "content-type": "application/json",
        [this.cfg.timestampHeader]: String(timestamp),
        [this.cfg.signatureHeader]: signWebhook(this.secret, timestamp, body),
        "x-vitals-delivery": String(ctx.deliveryId),
      },
      body,
      timeoutMs: this.cfg.timeoutMs,
      now: ctx.now,
    });
    return {};
  }
}
