import type { DeliveryResult } from "@payreq/contracts";
import type { DeliveryRecord } from "../domain/delivery.ts";
import { type ProgramContext, type Sql, write } from "../ports/store.ts";
import { insertOutboxRows, type OutboxRow } from "./outbox-rows.ts";

export type DeliveryRows = {
  paymentRequestUuid: string;
  textResult?: DeliveryResult | undefined;
  emailResult?: DeliveryResult | undefined;
  messages: DeliveryRecord[];
};

/**
 * The per-channel results on the payment request and an outbox row per message handed to the notifier (or
 * refused, or not sent again); answers the rows as written.
 */
export const recordDelivery = async (
  tx: Sql,
  { paymentRequestUuid, textResult, emailResult, messages }: DeliveryRows,
  { clock, ids }: Pick<ProgramContext, "clock" | "ids">,
): Promise<OutboxRow[]> => {
  const now = clock.now();
  // Deferred: the payment request must be committed, or flushed by a read since its insert (the templates' read
  // in the one-commit program), or this update would run on a snapshot without it.
  await write(tx, "update payment_requests set text_result = ?, email_result = ? where uuid = ?", [
    textResult ?? null,
    emailResult ?? null,
    paymentRequestUuid,
  ]);
  const rows = messages.map((message) => ({ ...message, uuid: ids.next(), paymentRequestUuid }));
  await insertOutboxRows(tx, rows, now);
  return rows;
};
