import { Logger } from '@nestjs/common';
import nodemailer, { type Transporter } from 'nodemailer';

export interface MailSettings {
  readonly url: string;
  readonly from: string;
  readonly poolSize: number;
}

export interface OutgoingMail {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html?: string;
  /** Carried as a header so a bounce or a log line can be traced back. */
  readonly correlationId?: string;
}

export interface SentMail {
  readonly messageId: string;
  readonly accepted: readonly string[];
  readonly rejected: readonly string[];
}

/** The one place that talks SMTP (nodemailer, pooled connections). */
export class MailSender {
  private readonly logger = new Logger(MailSender.name);
  private readonly transporter: Transporter;

  constructor(private readonly settings: MailSettings) {
    const url = new URL(settings.url);
    this.transporter = nodemailer.createTransport({
      host: url.hostname,
      port: Number(url.port || (url.protocol === 'smtps:' ? 465 : 25)),
      secure: url.protocol === 'smtps:',
      ...(url.username
        ? {
            auth: {
              user: decodeURIComponent(url.username),
              pass: decodeURIComponent(url.password),
            },
          }
        : {}),
      pool: true,
      maxConnections: settings.poolSize,
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
      // Local sinks speak plain SMTP; a production relay advertising STARTTLS still gets it.
      ignoreTLS: url.hostname === '127.0.0.1' || url.hostname === 'localhost',
    });
  }

  async send(mail: OutgoingMail): Promise<SentMail> {
    const info = (await this.transporter.sendMail({
      from: this.settings.from,
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      ...(mail.html ? { html: mail.html } : {}),
      ...(mail.correlationId ? { headers: { 'X-Correlation-Id': mail.correlationId } } : {}),
    })) as { messageId: string; accepted: unknown[]; rejected: unknown[] };
    this.logger.log({ msg: 'mail sent', messageId: info.messageId });
    return {
      messageId: info.messageId,
      accepted: info.accepted.map(String),
      rejected: info.rejected.map(String),
    };
  }

  /** Opens a connection and says hello: the readiness probe of the mail relay. */
  async verify(): Promise<void> {
    await this.transporter.verify();
  }

  close(): void {
    this.transporter.close();
  }
}
