import type { AuditEntry } from "../audit/write-audit.ts";
import { insertAuditRow, outcomeOf, withRequestBodyColumn } from "../audit/write-audit.ts";
import type { StoredResponse } from "../domain/recovery.ts";
import { finishKey } from "../idempotency/idempotency-keys.ts";
import { type DeliveryRows, recordDelivery } from "../notify/record-delivery.ts";
import { defineProgram } from "../ports/store.ts";
import { type EventScope, messageEvent } from "../webhooks/event-data.ts";
import { type RaisedEvent, raiseEvents } from "../webhooks/events.ts";
import type { CallDeps } from "./call-deps.ts";

export type RecordCallArgs = {
  entry: AuditEntry;
  /** The delivery's record: per-channel results and outbox rows (none when the platform delivered itself). */
  delivery?: DeliveryRows | undefined;
  /** The call's idempotency key, finished with its stored answer. */
  finish?: { id: number; response: StoredResponse } | undefined;
  /** The call's events: payment_request.created, then one message event per outbox row, with what they name. */
  events?: { created: RaisedEvent; scope: EventScope } | undefined;
};

/** The call's audit row, with its last domain writes and its events, in one commit (shared with other calls'). */
export const recordCallProgram = defineProgram<RecordCallArgs, void>(
  "record-call",
  async (tx, { entry, delivery, finish, events }, context) => {
    const messages = delivery ? await recordDelivery(tx, delivery, context) : [];
    if (events) {
      await raiseEvents(
        tx,
        [events.created, ...messages.map((message) => messageEvent(events.scope, message))],
        context,
      );
    }
    if (finish) await finishKey(tx, finish.id, finish.response, context.clock);
    await insertAuditRow(tx, entry, context);
  },
  { grouped: true },
);

export const recordCall = (deps: Pick<CallDeps, "run" | "metrics">, args: RecordCallArgs): Promise<void> =>
  deps.metrics.auditRow(
    outcomeOf(args.entry.status),
    deps.run(recordCallProgram, { ...args, entry: withRequestBodyColumn(args.entry) }),
  );
