import { NtfyNotifier } from "./channels/ntfy-notifier.js";
import { SmtpNotifier, type SmtpTransportFactory } from "./channels/smtp-notifier.js";
import { TwilioNotifier } from "./channels/twilio-notifier.js";
import { WebhookNotifier } from "./channels/webhook-notifier.js";
import { WhatsAppCloudNotifier } from "./channels/whatsapp-cloud-notifier.js";
import type { ChannelConfig } from "./config.js";
import type { FetchLike } from "./http-post.js";
import type { Notifier } from "./notifier.js";
import type { SecretStore } from "./secrets.js";

export interface NotifierDeps {
  secrets: SecretStore;
  fetch?: FetchLike;
  smtpTransport?: SmtpTransportFactory;
}

/** Builds one channel's adapter; throws a config.invalid VitalsError when a secret is missing. */
export function createNotifier(name: string, cfg: ChannelConfig, deps: NotifierDeps): Notifier {
  const f = deps.fetch ?? fetch;
  const what = (field: string) => `notification channel "${name}": ${field}`;
  switch (cfg.type) {
    case "whatsapp_cloud":
      return new WhatsAppCloudNotifier(
        name,
        cfg,
        deps.secrets.resolve(cfg.accessToken, what("accessToken")),
        f,
      );
    case "twilio":
      return new TwilioNotifier(name, cfg, deps.secrets.resolve(cfg.authToken, what("authToken")), f, (s) =>
        deps.secrets.remember(s),
      );
    case "smtp":
      return new SmtpNotifier(
        name,
        cfg,
        cfg.auth ? deps.secrets.resolve(cfg.auth.pass, what("auth.pass")) : undefined,
        deps.smtpTransport,
      );
    case "ntfy":
      return new NtfyNotifier(
        name,
        cfg,
        cfg.token ? deps.secrets.resolve(cfg.token, what("token")) : undefined,
        f,
      );
    case "webhook":
      return new WebhookNotifier(name, cfg, deps.secrets.resolve(cfg.secret, what("secret")), f);
  }
}

/** Recipients for a ward: its own list, else the "*" list. */
export function recipientsFor(cfg: ChannelConfig, ward: string | null): string[] {
  return (ward !== null ? cfg.recipients[ward] : undefined) ?? cfg.recipients["*"] ?? [];
}
