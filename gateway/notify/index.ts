export { alarmEventToNotification } from "./alarm-notification.js";
export { retryDelayMs } from "./backoff.js";
export {
  type ChannelConfig,
  channelConfigSchema,
  type NotificationsConfig,
  type NotificationsConfigInput,
  notificationsConfigSchema,
} from "./config.js";
export { createNotifier, recipientsFor } from "./create-notifiers.js";
export { renderEvent } from "./message.js";
export { NotificationAlertOutput } from "./notification-alert-output.js";
export { type NotificationEvent, PRIORITIES, type Priority } from "./notification-event.js";
export { NotificationService } from "./notification-service.js";
export { DeliveryError, type Notifier } from "./notifier.js";
export { SecretStore } from "./secrets.js";
export { signWebhook, verifyWebhook } from "./webhook-signature.js";
