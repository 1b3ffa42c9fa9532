import { ErrorCodes, VitalsError } from "../../core/errors.js";
import type { NotificationMessage } from "./message.js";

/** What a provider said when it accepted a message (its message id, if it gives one). */
export interface DeliveryReceipt {
  providerId?: string;
}

/** One channel adapter: sends one message to one recipient, or throws a DeliveryError. */
export interface Notifier {
  readonly name: string;
  readonly type: string;
  send(message: NotificationMessage, recipient: string, ctx: DeliveryContext): Promise<DeliveryReceipt>;
  close?(): Promise<void> | void;
}

export interface DeliveryContext {
  /** Outbox id of this delivery, sent to receivers that can deduplicate (webhook). */
  deliveryId: number;
  /** Attempt time (gateway clock, epoch ms). */
  now: number;
}

/**
 * A failed attempt. `permanent`: trying again cannot help (a 4xx other than 408/429, a rejected
 * address, bad credentials) → dead-letter at once. Otherwise retry, after `retryAfterMs` if the
 * provider said so.
 */
export class DeliveryError extends VitalsError {
  constructor(
    message: string,
    readonly permanent: boolean,
    readonly retryAfterMs?: number,
    readonly status?: number,
  ) {
    super(message, ErrorCodes.NotifyFailed, { permanent, retryAfterMs, status });
  }
}

export function isDeliveryError(e: unknown): e is DeliveryError {
  return e instanceof DeliveryError;
}

/** Retry-After is either delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (value === null || value.trim() === "") return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  // Date.parse accepts almost anything ("-5" is the year -5): insist on a date with a month and a time.
  if (!/^[A-Za-z]{3}.*\b[A-Za-z]{3}\b.*\d{1,2}:\d{2}:\d{2}/.test(v)) return undefined;
  const t = Date.parse(v);
  if (Number.isNaN(t)) return undefined;
  return Math.max(0, t - now);
}

/** HTTP status → delivery outcome, the same rule for every HTTP provider. */
export function failureForStatus(status: number, detail: string, retryAfterMs?: number): DeliveryError {
  const retryable = status === 408 || status === 429 || status >= 500;
  return new DeliveryError(`HTTP ${status}: ${detail}`, !retryable, retryAfterMs, status);
}
