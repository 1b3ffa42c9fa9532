export { alarmEventToNotification, notifiedBy } from "./alarm-notification.js";
export { retryDelayMs } from "./backoff.js";
export type { NotifyLogger } from "./channel-pump.js";
export {
  type ChannelConfig,
  channelConfigSchema,
  type NotificationsConfig,
  type NotificationsConfigInput,
  notificationsConfigSchema,
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
} from "./notification-service.js";
export { DeliveryError, type Notifier } from "./notifier.js";
export { SecretStore } from "./secrets.js";
export { signWebhook, verifyWebhook } from "./webhook-signature.js";
