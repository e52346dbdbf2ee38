import { createTransport } from "nodemailer";
import type SMTPPool from "nodemailer/lib/smtp-pool";
import type { EmailMessage, Receipt } from "../../ports/notifier.ts";
import { ProviderError } from "./twilio-sms-sender.ts";

export type SmtpSettings = { url: string; from: string; fromName?: string | undefined; timeoutMs: number };

/**
 * Email over SMTP (smtp:// or smtps://, credentials in the URL), pooled connections. Accepted only when the
 * server accepted the recipient.
 */
export const createSmtpEmailSender = (settings: SmtpSettings) => {
  const transport = createTransport({
    url: settings.url,
    pool: true,
    connectionTimeout: settings.timeoutMs,
    greetingTimeout: settings.timeoutMs,
    socketTimeout: settings.timeoutMs,
  } as SMTPPool.Options);

  const send = async (message: EmailMessage & { fromName?: string | undefined }): Promise<Receipt> => {
    const name = message.fromName ?? settings.fromName;
    const info = await transport.sendMail({
      from: name ? { name, address: settings.from } : settings.from,
      to: message.to,
      subject: message.subject,
      text: message.text,
      ...(message.html ? { html: message.html } : {}),
      ...(message.attachments
        ? {
            attachments: (await message.attachments()).map((file) => ({
              filename: file.filename,
              contentType: file.contentType,
              content: Buffer.from(file.content),
            })),
          }
        : {}),
    });
    if (info.rejected.length > 0 || info.accepted.length === 0) {
      throw new ProviderError(`SMTP server did not accept the recipient: ${info.response ?? "no response"}`);
    }
    return { provider: "smtp", providerRef: info.messageId };
  };
  return { send, close: () => transport.close() };
};
