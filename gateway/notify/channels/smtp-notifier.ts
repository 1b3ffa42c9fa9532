import nodemailer, { type Transporter } from "nodemailer";
import type SMTPTransport from "nodemailer/lib/smtp-transport/index.js";
import type { ChannelConfig } from "../config.js";
import type { NotificationMessage } from "../message.js";
import { DeliveryError, type DeliveryReceipt, type Notifier } from "../notifier.js";

type Config = Extract<ChannelConfig, { type: "smtp" }>;

export type SmtpTransportFactory = (
  options: SMTPTransport.Options,
) => Transporter<SMTPTransport.SentMessageInfo>;

/** Connection-level failures worth another try; anything about credentials, TLS or addresses is not. */
const RETRYABLE_CODES = new Set([
  "ECONNECTION",
  "ETIMEDOUT",
  "ESOCKET",
  "EDNS",
  "ECONNREFUSED",
  "ECONNRESET",
]);

/** SMTP's reply classes are the reverse of HTTP's: 4yz is transient, 5yz permanent (RFC 5321 §4.2.1). */
function classifySmtpError(e: unknown): DeliveryError {
  const err = e as { code?: string; responseCode?: number; response?: string; message?: string };
  const what = err.response ?? err.message ?? String(e);
  if (typeof err.responseCode === "number") {
    return new DeliveryError(
      `SMTP ${err.responseCode}: ${what}`,
      err.responseCode >= 500,
      undefined,
      err.responseCode,
    );
  }
  const retry = err.code === undefined || RETRYABLE_CODES.has(err.code);
  return new DeliveryError(`SMTP ${err.code ?? "error"}: ${what}`, !retry);
}

/** E-mail through an SMTP submission server (nodemailer): implicit TLS, required STARTTLS, or plain. */
export class SmtpNotifier implements Notifier {
  readonly type = "smtp";
  private readonly transport: Transporter<SMTPTransport.SentMessageInfo>;

  constructor(
    readonly name: string,
    private readonly cfg: Config,
    password: string | undefined,
    factory: SmtpTransportFactory = (o) => nodemailer.createTransport(o),
  ) {
    const options: SMTPTransport.Options = {
      host: cfg.host,
      port: cfg.port,
      secure: cfg.security === "tls",
      requireTLS: cfg.security === "starttls",
      ignoreTLS: cfg.security === "none",
      connectionTimeout: cfg.timeoutMs,
      greetingTimeout: cfg.timeoutMs,
      socketTimeout: cfg.timeoutMs,
      tls: { rejectUnauthorized: cfg.rejectUnauthorized },
      // nodemailer's own logger would print the SMTP dialogue, AUTH included.
      logger: false,
      debug: false,
    };
    if (cfg.auth) options.auth = { user: cfg.auth.user, pass: password ?? "" };
    this.transport = factory(options);
  }

  async send(m: NotificationMessage, recipient: string): Promise<DeliveryReceipt> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new DeliveryError(`no SMTP answer within ${this.cfg.timeoutMs} ms`, false)),
        this.cfg.timeoutMs,
      );
    });
    try {
      const info = await Promise.race([
        this.transport.sendMail({
          from: this.cfg.from,
          to: recipient,
          subject: m.title,
          text: m.text,
          headers: { "X-Priority": m.priority === "high" ? "1" : m.priority === "medium" ? "3" : "5" },
        }),
        timeout,
      ]);
      if (info.rejected.length > 0) {
        throw new DeliveryError(`SMTP rejected ${info.rejected.length} recipient(s)`, true);
      }
      return { providerId: info.messageId };
    } catch (e) {
      throw e instanceof DeliveryError ? e : classifySmtpError(e);
    } finally {
      clearTimeout(timer);
    }
  }

  close(): void {
    this.transport.close();
  }
}
