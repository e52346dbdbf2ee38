import type { DeliveryResult } from "@payreq/contracts";
import type { DeliveryRecord } from "../ports.ts";
import type { ProgramContext } from "../store/program.ts";
import type { Sql } from "../store/sql.ts";
import { insertOutboxRows, recordResults } from "./platform-queries.ts";

export type DeliveryRows = {
  paymentRequestUuid: string;
  textResult?: DeliveryResult | undefined;
  emailResult?: DeliveryResult | undefined;
  messages: DeliveryRecord[];
};

/** The per-channel results on the payment request and an outbox row per message handed to the notifier. */
export const recordDelivery = async (
  tx: Sql,
  { paymentRequestUuid, textResult, emailResult, messages }: DeliveryRows,
  { clock, ids }: Pick<ProgramContext, "clock" | "ids">,
): Promise<void> => {
  const now = clock.now();
  await recordResults(tx, paymentRequestUuid, textResult ?? null, emailResult ?? null);
  await insertOutboxRows(
    tx,
    messages.map((message) => ({ ...message, uuid: ids.next(), paymentRequestUuid })),
    now,
  );
};
