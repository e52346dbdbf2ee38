import type { IdGenerator } from "./clock.ts";

export type TextMessage = { to: string; body: string };
export type Attachment = { filename: string; contentType: string; content: Uint8Array };
/** Files an email carries, made only when a notifier transmits the message (the outbox records their names). */
export type Attachments = () => Promise<Attachment[]>;
export type EmailMessage = {
  to: string;
  subject: string;
  text: string;
  html?: string | undefined;
  /** The sender's display name: the dealer's. */
  fromName?: string | undefined;
  attachments?: Attachments | undefined;
};
export type Receipt = { provider: string; providerRef?: string | undefined };

/** Delivers texts and emails. Throws when the provider refuses; honours `signal` for timeouts. */
export type Notifier = {
  sendText(message: TextMessage, signal: AbortSignal): Promise<Receipt>;
  sendEmail(message: EmailMessage, signal: AbortSignal): Promise<Receipt>;
  /** Who delivers each channel, for the outbox record of a failed attempt. */
  readonly providers?: { text: string; email: string };
  /** Only the outbox: messages are recorded in the call's own store and nothing leaves the process. */
  readonly recordsOnly?: boolean;
};

/**
 * The notifier when no provider is configured: every message is accepted at once and only recorded in the
 * outbox (with the call's other rows); nothing leaves the process.
 */
export const createOutboxNotifier = (ids: IdGenerator): Notifier => ({
  sendText: async () => ({ provider: "outbox", providerRef: `outbox-${ids.next()}` }),
  sendEmail: async () => ({ provider: "outbox", providerRef: `outbox-${ids.next()}` }),
  providers: { text: "outbox", email: "outbox" },
  recordsOnly: true,
});
