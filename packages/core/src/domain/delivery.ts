import type { DeliveryResult, WarningItem } from "@payreq/contracts";

export type Channel = "text" | "email";

/** What a message is: the payment request, a reminder of it, or the receipt of its payment. */
export type OutboxPurpose = "request" | "reminder" | "receipt";

/** A message handed to a provider (or refused before), as the outbox records it. */
export type DeliveryRecord = {
  channel: Channel;
  customerUuid: string;
  recipient: string;
  subject?: string | undefined;
  body: string;
  /** UNCERTAIN: an earlier attempt may have handed it to the provider; it was not sent again. */
  status: "DELIVERED" | "FAILED" | "UNCERTAIN";
  provider: string;
  providerRef?: string | undefined;
  error?: string | undefined;
  length?: number | undefined;
  segments?: number | undefined;
  /** For an email: the file name of the invoice PDF it carried. */
  attachment?: string | undefined;
};

/** What a call asks delivery to do. */
export type DeliveryRequest = {
  sendAsText: boolean;
  sendAsEmail: boolean;
  description?: string | undefined;
  attachInvoice: boolean;
  esignRequired: boolean;
};

export type ChannelOutcome = {
  result: DeliveryResult;
  warning?: WarningItem | undefined;
  record?: DeliveryRecord | undefined;
};

/**
 * How step 4 ended on each channel it was asked for. `warnings` are a platform's that delivered the request
 * itself (upstream mode), not tied to a channel.
 */
export type DeliveryOutcome = {
  text?: ChannelOutcome | undefined;
  email?: ChannelOutcome | undefined;
  warnings?: WarningItem[] | undefined;
};

/** The messages a delivery handed to its notifier (or could not), one per channel it used. */
export const recordsOf = (delivery: DeliveryOutcome): DeliveryRecord[] =>
  [delivery.text?.record, delivery.email?.record].filter((r): r is DeliveryRecord => r !== undefined);

/** The invoice PDF an email carries: its name, and the document, rendered only if a provider transmits it. */
export type InvoiceAttachment = { fileName: string; render: () => Promise<Uint8Array> };
