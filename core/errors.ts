/**
 * The one error type of the project. Codes are grouped by subsystem ("config.", "store.", "device.", …)
 * so callers can branch on them without parsing messages. What a peer is told on the wire is a
 * WireErrorCode (core/protocol/frames.ts), not one of these.
 */
export const ErrorCodes = {
  ConfigInvalid: "config.invalid",
  StoreIo: "store.io",
  CliUsage: "cli.usage",
  ListenFailed: "net.listen",
  DeviceIo: "device.io",
  NotifyFailed: "notify.failed",
  /** A stay action that contradicts the ward (the bed is taken, the patient is already admitted). */
  StayConflict: "stay.conflict",
  StayNotFound: "stay.not_found",
  Internal: "internal",
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

export class VitalsError extends Error {
  override readonly name = "VitalsError";
  constructor(
    message: string,
    readonly code: ErrorCode,
    readonly details?: Record<string, unknown>,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isVitalsError(e: unknown, code?: ErrorCode): e is VitalsError {
  return e instanceof VitalsError && (code === undefined || e.code === code);
}
