import type { WebhookEventType } from "@payreq/contracts";
import { type ProgramContext, type Sql, write } from "../ports/store.ts";

/** An event as the change that causes it raises it; its id and time are given when it is written. */
export type RaisedEvent = {
  type: WebhookEventType;
  dealerUuid: string;
  departmentUuid: string;
  /** The call that caused it, if a call did. */
  requestId?: string | undefined;
  paymentRequestUuid?: string | undefined;
  data: Record<string, unknown>;
};

export const eventIdOf = (uuid: string) => `evt_${uuid.replaceAll("-", "")}`;

/**
 * Writes events inside the caller's transaction, so there is no event without its change and no change without
 * its event. The body is stored as it will be sent: every attempt, and a replay, sends the same bytes and id.
 */
export const raiseEvents = async (
  tx: Sql,
  events: readonly RaisedEvent[],
  { clock, ids }: Pick<ProgramContext, "clock" | "ids">,
): Promise<void> => {
  if (events.length === 0) return;
  const now = clock.now();
  const createdAt = new Date(now).toISOString();
  const values = events.flatMap((event) => {
    const id = eventIdOf(ids.next());
    const body = JSON.stringify({
      id,
      type: event.type,
      createdAt,
      dealerUuid: event.dealerUuid,
      departmentUuid: event.departmentUuid,
      data: event.data,
    });
    return [
      id,
      event.type,
      event.dealerUuid,
      event.departmentUuid,
      event.requestId ?? null,
      event.paymentRequestUuid ?? null,
      body,
      now,
    ];
  });
  await write(
    tx,
    `insert into webhook_events (id, type, dealer_uuid, department_uuid, request_id, payment_request_uuid, body,
       fanned_out, created_at)
     values ${events.map(() => "(?, ?, ?, ?, ?, ?, ?, 0, ?)").join(", ")}`,
    values,
  );
};

/** Events' bodies (as sent) by id, in one read. */
export const eventBodiesByIds = async (sql: Sql, ids: string[]): Promise<Map<string, string>> => {
  if (ids.length === 0) return new Map();
  const rows = await sql.all<{ id: string; body: string }>(
    `select id, body from webhook_events where id in (${ids.map(() => "?").join(", ")})`,
    ids,
  );
  return new Map(rows.map((row) => [row.id, row.body]));
};
