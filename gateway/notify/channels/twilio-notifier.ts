import type { ChannelConfig } from "../config.js";
import { type FetchLike, httpPost } from "../http-post.js";
import type { NotificationMessage } from "../message.js";
import type { DeliveryContext, DeliveryReceipt, Notifier } from "../notifier.js";

type Config = Extract<ChannelConfig, { type: "twilio" }>;

/**
 * Twilio Messages API: POST /2010-04-01/Accounts/{Sid}/Messages.json, HTTP basic auth (account SID or API
 * key SID : token), form-encoded To/From|MessagingServiceSid/Body. Success is 201 with the message `sid`.
 */
export class TwilioNotifier implements Notifier {
  readonly type = "twilio";
  private readonly authHeader: string;

  constructor(
    readonly name: string,
    private readonly cfg: Config,
    authToken: string,
    private readonly fetchImpl: FetchLike,
    remember: (derivedSecret: string) => void,
  ) {
    const user = cfg.apiKeySid ?? cfg.accountSid;
    const b64 = Buffer.from(`${user}:${authToken}`).toString("base64");
    remember(b64);
    this.authHeader = `Basic ${b64}`;
  }

  async send(m: NotificationMessage, recipient: string, ctx: DeliveryContext): Promise<DeliveryReceipt> {
    const addr = (n: string) =>
      this.cfg.mode === "whatsapp" && !n.startsWith("whatsapp:") ? `whatsapp:${n}` : n;
    const form = new URLSearchParams({ To: addr(recipient), Body: m.text });
    if (this.cfg.messagingServiceSid) form.set("MessagingServiceSid", this.cfg.messagingServiceSid);
    else if (this.cfg.from) form.set("From", addr(this.cfg.from));
    const url = `${this.cfg.apiBaseUrl.replace(/\/+$/, "")}/2010-04-01/Accounts/${encodeURIComponent(this.cfg.accountSid)}/Messages.json`;
    const res = await httpPost(this.fetchImpl, {
      url,
      headers: { authorization: this.authHeader, "content-type": "application/x-www-form-urlencoded" },
      body: form.toString(),
      timeoutMs: this.cfg.timeoutMs,
      now: ctx.now,
    });
    const sid = (res as { sid?: unknown } | null)?.sid;
    return typeof sid === "string" ? { providerId: sid } : {};
  }
}
