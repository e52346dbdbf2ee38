import type { IdGenerator } from "../../ports/clock.ts";
import type { Notifier } from "../../ports/notifier.ts";
import { createOutboxNotifier } from "../../ports/notifier.ts";
import { createSmtpEmailSender, type SmtpSettings } from "./smtp-email-sender.ts";
import { createTwilioSmsSender, type TwilioSettings } from "./twilio-sms-sender.ts";

export type NotifierSettings = { sms?: TwilioSettings | undefined; smtp?: SmtpSettings | undefined };

/** Real providers where configured, the outbox for the rest. Every message is recorded in the outbox either way. */
export const createNotifier = (
  settings: NotifierSettings,
  ids: IdGenerator,
): Notifier & { close(): void } => {
  const outbox = createOutboxNotifier(ids);
  const sms = settings.sms ? createTwilioSmsSender(settings.sms) : undefined;
  const smtp = settings.smtp ? createSmtpEmailSender(settings.smtp) : undefined;
  if (!sms && !smtp) return { ...outbox, close: () => undefined };
  return {
    sendText: sms ?? outbox.sendText,
    sendEmail: smtp ? (message) => smtp.send(message) : outbox.sendEmail,
    providers: { text: sms ? "sms" : "outbox", email: smtp ? "smtp" : "outbox" },
    close: () => smtp?.close(),
  };
};
