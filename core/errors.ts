/**
 * The one error type of the project. Codes are grouped by subsystem ("protocol.", "config.", "store.", …)
 * so callers can branch on them without parsing messages.
 */
export const ErrorCodes = {
  ConfigInvalid: "config.invalid",
  ProtocolBadFrame: "protocol.bad_frame",
  ProtocolClosed: "protocol.closed",
  ProtocolRejected: "protocol.rejected",
  ProtocolTimeout: "protocol.timeout",
  StoreIo: "store.io",
  StoreFull: "store.full",
  CliUsage: "cli.usage",
  DeviceIo: "device.io",
  DeviceChecksum: "device.checksum",
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
