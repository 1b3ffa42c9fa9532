import type { ChannelConfig } from "../config.js";
import { type FetchLike, httpPost } from "../http-post.js";
import type { NotificationMessage } from "../message.js";
import type { Priority } from "../notification-event.js";
import type { DeliveryContext, DeliveryReceipt, Notifier } from "../notifier.js";

type Config = Extract<ChannelConfig, { type: "ntfy" }>;

/** ntfy priorities are 1 (min) … 5 (max/urgent); an alarm should make the phone ring. */
const NTFY_PRIORITY: Record<Priority, string> = { high: "5", medium: "4", low: "3" };
const NTFY_TAGS: Record<Priority, string> = {
  high: "rotating_light",
  medium: "warning",
  low: "information_source",
};

/** HTTP header values must be Latin-1 for fetch; ward and bed names are not guaranteed to be. */
function headerSafe(s: string): string {
  return s.replace(/[^\x20-\x7e]/g, "?");
}

/**
 * ntfy: POST {server}/{topic}, the body is the message, Title/Priority/Tags/Click in headers, an access
 * token as `Authorization: Bearer`. Success is 200 with the stored message as JSON (`id`).
 */
export class NtfyNotifier implements Notifier {
  readonly type = "ntfy";

  constructor(
    readonly name: string,
    private readonly cfg: Config,
    private readonly token: string | undefined,
    private readonly fetchImpl: FetchLike,
  ) {}

  async send(m: NotificationMessage, topic: string, ctx: DeliveryContext): Promise<DeliveryReceipt> {
    const headers: Record<string, string> = {
      "content-type": "text/plain; charset=utf-8",
      title: headerSafe(m.title),
      priority: NTFY_PRIORITY[m.priority],
      tags: NTFY_TAGS[m.priority],
    };
    if (m.link) headers.click = headerSafe(m.link);
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    const res = await httpPost(this.fetchImpl, {
      url: `${this.cfg.serverUrl.replace(/\/+$/, "")}/${encodeURIComponent(topic)}`,
      headers,
      body: m.text,
      timeoutMs: this.cfg.timeoutMs,
      now: ctx.now,
    });
    const id = (res as { id?: unknown } | null)?.id;
    return typeof id === "string" ? { providerId: id } : {};
  }
}
