import type { OutboxPurpose } from "../domain/delivery.ts";
import type { Clock, IdGenerator } from "../ports/clock.ts";
import type { Store } from "../ports/store.ts";
import { messageEvent } from "../webhooks/event-data.ts";
import { raiseEvents } from "../webhooks/events.ts";

/** The statuses a provider's callback reports that end a text's story: each is recorded once. */
const FINAL = new Set(["delivered", "undelivered", "failed"]);

export type MessageStatusReport = {
  /** The provider's id of the message (Twilio's MessageSid). */
  providerRef: string;
  status: string;
  errorCode?: string | undefined;
};

export type MessageStatusOutcome = "recorded" | "unchanged" | "unknown-message" | "not-final";

/**
 * A provider's later word on a text it accepted: `delivered` raises message.sent (status delivered);
 * `undelivered` and `failed` mark the outbox row FAILED and raise message.failed. A text's first final status
 * stands: a repeated or replayed callback, or a later one, changes nothing. Interim statuses (queued, sent) are
 * not recorded.
 */
export const recordMessageStatus = async (
  deps: { store: Store; clock: Clock; ids: IdGenerator },
  report: MessageStatusReport,
): Promise<MessageStatusOutcome> => {
  const status = report.status.toLowerCase();
  if (!FINAL.has(status)) return "not-final";
  return deps.store.transaction(async (tx) => {
    const row = await tx.get<{
      uuid: string;
      channel: "text" | "email";
      recipient: string;
      provider: string;
      providerRef: string;
      purpose: OutboxPurpose;
      providerStatus: string | null;
      paymentRequestUuid: string;
      invoiceUuid: string;
      orderUuid: string;
      departmentUuid: string;
      dealerUuid: string;
    }>(
      `select m.uuid, m.channel, m.recipient, m.provider, m.provider_ref as "providerRef", m.purpose,
              m.provider_status as "providerStatus", p.uuid as "paymentRequestUuid", i.uuid as "invoiceUuid",
              i.order_uuid as "orderUuid", i.department_uuid as "departmentUuid", dep.dealer_uuid as "dealerUuid"
       from outbox m
       join payment_requests p on p.uuid = m.payment_request_uuid
       join invoices i on i.uuid = p.invoice_uuid
       join departments dep on dep.uuid = i.department_uuid
       where m.provider = 'sms' and m.provider_ref is not null and m.provider_ref = ?`,
      [report.providerRef],
    );
    if (!row) return "unknown-message";
    if (row.providerStatus !== null) return "unchanged";
    const now = deps.clock.now();
    const failed = status !== "delivered";
    const error = failed
      ? `the carrier reported ${status}${report.errorCode ? ` (error ${report.errorCode})` : ""}`
      : undefined;
    await tx.run(
      `update outbox set provider_status = ?, provider_status_at = ?${failed ? ", status = 'FAILED', error = ?" : ""}
       where uuid = ? and provider_status is null`,
      failed ? [status, now, error ?? null, row.uuid] : [status, now, row.uuid],
    );
    const event = messageEvent(
      {
        dealerUuid: row.dealerUuid,
        departmentUuid: row.departmentUuid,
        paymentRequestUuid: row.paymentRequestUuid,
        invoiceUuid: row.invoiceUuid,
        orderUuid: row.orderUuid,
      },
      {
        uuid: row.uuid,
        channel: row.channel,
        customerUuid: "",
        recipient: row.recipient,
        body: "",
        status: failed ? "FAILED" : "DELIVERED",
        provider: row.provider,
        providerRef: row.providerRef,
        purpose: row.purpose,
        ...(error ? { error } : {}),
      },
    );
    // The provider's word, not the hand-over: message.sent says delivered.
    if (!failed) event.data.status = "delivered";
    await raiseEvents(tx, [event], deps);
    return "recorded";
  });
};
