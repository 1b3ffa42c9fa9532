export { alarmEventToNotification, notifiedBy } from "./alarm-notification.js";
export { retryDelayMs } from "./backoff.js";
export { classifySmtpError, type SmtpTransportFactory } from "./channels/smtp-notifier.js";
export {
  type ChannelConfig,
  channelConfigSchema,
  type Minimisation,
  type NotificationsConfig,
  type NotificationsConfigInput,
  notificationsConfigSchema,
  type SecretRef,
} from "./config.js";
export { createNotifier, recipientsFor } from "./create-notifiers.js";
export { type NotificationMessage, renderDigest, renderEvent } from "./message.js";
export {
  type NotificationEvent,
  type NotificationParameter,
  PRIORITIES,
  type Priority,
} from "./notification-event.js";
export type { DeadLetter } from "./notification-outbox.js";
export {
  type EnqueueOutcome,
  NotificationService,
  type NotificationServiceOptions,
  type NotificationStats,
  type NotifyLogger,
} from "./notification-service.js";
export { DeliveryError, type Notifier } from "./notifier.js";
export { SecretStore } from "./secrets.js";
export { signWebhook, verifyWebhook } from "./webhook-signature.js";
