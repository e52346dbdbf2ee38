import { type WarningName, warningItem } from "@payreq/contracts";
import type { Customer } from "../domain/dealer.ts";
import type {
  Channel,
  ChannelOutcome,
  DeliveryOutcome,
  DeliveryRecord,
  InvoiceAttachment,
} from "../domain/delivery.ts";
import { maskEmail, maskPhone } from "../domain/mask.ts";
import { maskPaymentTokens } from "../domain/redact.ts";
import type { Attachments, Notifier, Receipt } from "../ports/notifier.ts";
import { smsSize, toE164 } from "./sms-segments.ts";
import {
  type MessageContext,
  type MessagePurpose,
  type MessageTemplates,
  renderEmail,
  renderText,
} from "./templates.ts";

class DeliveryTimeout extends Error {}

/** A notifier that only records (the outbox) hands over at once: no timer for it. */
const NEVER_ABORTED = new AbortController().signal;

const withTimeout = async <T>(
  timeoutMs: number | undefined,
  attempt: (signal: AbortSignal) => Promise<T>,
): Promise<T> => {
  if (timeoutMs === undefined) return attempt(NEVER_ABORTED);
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new DeliveryTimeout());
      controller.abort();
    }, timeoutMs);
  });
  try {
    return await Promise.race([attempt(controller.signal), timeout]);
  } finally {
    clearTimeout(timer);
  }
};

const skipped = (name: WarningName): ChannelOutcome => ({ result: "FAILURE", warning: warningItem(name) });

const send = async (
  channel: Channel,
  provider: string,
  base: Omit<DeliveryRecord, "status" | "provider" | "providerRef" | "error">,
  timeoutMs: number | undefined,
  attempt: (signal: AbortSignal) => Promise<Receipt>,
): Promise<ChannelOutcome> => {
  try {
    const receipt = await withTimeout(timeoutMs, attempt);
    return { result: "SUCCESS", record: { ...base, status: "DELIVERED", ...receipt } };
  } catch (error) {
    const timedOut = error instanceof DeliveryTimeout;
    const reason = timedOut ? `no answer within ${timeoutMs} ms` : describe(error);
    const name: WarningName =
      channel === "text"
        ? timedOut
          ? "TEXT_DELIVERY_TIMEOUT"
          : "TEXT_DELIVERY_FAILED"
        : timedOut
          ? "EMAIL_DELIVERY_TIMEOUT"
          : "EMAIL_DELIVERY_FAILED";
    return {
      result: "FAILURE",
      warning: warningItem(name, {
        description: `The payment request exists; the provider failed: ${reason}`,
      }),
      record: { ...base, status: "FAILED", provider, error: reason },
    };
  }
};

/** Provider errors may quote the recipient; keep only the first line, without digits runs or addresses. */
const describe = (error: unknown): string =>
  (error instanceof Error ? error.message : String(error))
    .split("\n")[0]!
    .replace(/\S+@\S+/g, "[email]")
    .replace(/\+?\d[\d\s().-]{6,}\d/g, "[phone]")
    .slice(0, 200);

/** Step 4: text and email concurrently, each only when asked for; never throws. */
export const deliver = async (
  notifier: Notifier,
  input: {
    customer: Customer;
    context: MessageContext;
    templates: MessageTemplates;
    sendAsText: boolean;
    sendAsEmail: boolean;
    /** How long a provider may take; undefined only for a notifier that records in process (the outbox). */
    timeoutMs: number | undefined;
    /** A retry after an attempt that may already have handed messages to the notifier: send nothing again. */
    mayHaveSent?: boolean;
    /** The payment request itself (default) or its reminder. */
    purpose?: MessagePurpose;
    invoicePdf?: InvoiceAttachment | undefined;
  },
): Promise<DeliveryOutcome> => {
  const { customer, context, timeoutMs, templates, invoicePdf } = input;
  const purpose = input.purpose ?? "request";
  /** At most once: the message is recorded as uncertain (message.uncertain), not sent again. */
  const notRepeated = (
    channel: string,
    base: Omit<DeliveryRecord, "status" | "provider" | "providerRef" | "error">,
    provider: string,
  ): ChannelOutcome => ({
    result: "FAILURE",
    warning: warningItem("DELIVERY_NOT_REPEATED", {
      message: `${channel} not sent again: an earlier attempt with this Idempotency-Key may already have sent it`,
    }),
    record: {
      ...base,
      status: "UNCERTAIN",
      provider,
      error: "an earlier attempt may already have handed it to the provider; not sent again",
    },
  });

  const text = async (): Promise<ChannelOutcome | undefined> => {
    if (!input.sendAsText) return undefined;
    if (!customer.phone) return skipped("TEXT_NO_PHONE");
    if (!customer.textOptIn) return skipped("TEXT_NOT_OPTED_IN");
    const body = renderText(templates, context, purpose);
    const { length, segments } = smsSize(body);
    const base = {
      channel: "text" as const,
      customerUuid: customer.uuid,
      recipient: maskPhone(customer.phone),
      // The record keeps the wording, not a working link: the token is cut like everywhere else it is stored.
      body: maskPaymentTokens(body),
      length,
      segments,
    };
    const provider = notifier.providers?.text ?? "unknown";
    if (input.mayHaveSent) return notRepeated("Text", base, provider);
    const phone = toE164(customer.phone);
    if (!phone) {
      return {
        ...skipped("TEXT_INVALID_PHONE"),
        record: {
          ...base,
          status: "FAILED",
          provider: "none",
          error: "the phone number is not a valid E.164 number",
        },
      };
    }
    return send("text", provider, base, timeoutMs, (signal) =>
      notifier.sendText({ to: phone, body }, signal),
    );
  };

  const email = async (): Promise<ChannelOutcome | undefined> => {
    if (!input.sendAsEmail) return undefined;
    if (!customer.email) return skipped("EMAIL_NO_ADDRESS");
    const address = customer.email;
    const message = renderEmail(templates, context, purpose);
    const base = {
      channel: "email" as const,
      customerUuid: customer.uuid,
      recipient: maskEmail(address),
      subject: message.subject,
      body: maskPaymentTokens(message.text),
      attachment: invoicePdf?.fileName,
    };
    const provider = notifier.providers?.email ?? "unknown";
    if (input.mayHaveSent) return notRepeated("Email", base, provider);
    const attachments: Attachments | undefined = invoicePdf
      ? async () => [
          {
            filename: invoicePdf.fileName,
            contentType: "application/pdf",
            content: await invoicePdf.render(),
          },
        ]
      : undefined;
    return send("email", provider, base, timeoutMs, (signal) =>
      notifier.sendEmail({ to: address, ...message, fromName: context.dealerName, attachments }, signal),
    );
  };

  const [textOutcome, emailOutcome] = await Promise.all([text(), email()]);
  return { text: textOutcome, email: emailOutcome };
};
