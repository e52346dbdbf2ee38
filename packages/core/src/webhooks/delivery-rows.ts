import type { WebhookDelivery, WebhookEventType } from "@payreq/contracts";
import type { Clock } from "../ports/clock.ts";
import type { Sql, SqlParam, Store } from "../ports/store.ts";

export const deliveryIdOf = (uuid: string) => `dlv_${uuid.replaceAll("-", "")}`;

type DeliveryRow = {
  id: string;
  endpointId: string;
  eventId: string;
  eventType: WebhookEventType;
  status: WebhookDelivery["status"];
  nextAttemptAt: number | null;
  createdAt: number;
  updatedAt: number;
};

type AttemptRow = {
  deliveryId: string;
  attempt: number;
  at: number;
  statusCode: number | null;
  latencyMs: number;
  response: string | null;
  error: string | null;
};

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export type DeliveryFilter = {
  endpointId?: string | undefined;
  status?: WebhookDelivery["status"] | undefined;
  /** The deliveries of the events one call raised. */
  requestId?: string | undefined;
  /** Events of these departments only (what a console user may read); all when absent. */
  departmentUuids?: readonly string[] | undefined;
  limit?: number | undefined;
};

/** Deliveries newest first, each with its attempts (status code, latency, the start of the answer). */
export const listDeliveries = async (sql: Sql, filter: DeliveryFilter): Promise<WebhookDelivery[]> => {
  const where: string[] = [];
  const params: SqlParam[] = [];
  if (filter.endpointId !== undefined) {
    where.push("d.endpoint_id = ?");
    params.push(filter.endpointId);
  }
  if (filter.status !== undefined) {
    where.push("d.status = ?");
    params.push(filter.status);
  }
  if (filter.requestId !== undefined) {
    where.push("v.request_id = ?");
    params.push(filter.requestId);
  }
  if (filter.departmentUuids !== undefined) {
    if (filter.departmentUuids.length === 0) return [];
    where.push(`v.department_uuid in (${filter.departmentUuids.map(() => "?").join(", ")})`);
    params.push(...filter.departmentUuids);
  }
  params.push(Math.min(Math.max(filter.limit ?? 50, 1), 500));
  const rows = await sql.all<DeliveryRow>(
    `select d.id, d.endpoint_id as "endpointId", d.event_id as "eventId", v.type as "eventType", d.status,
            d.next_attempt_at as "nextAttemptAt", d.created_at as "createdAt", d.updated_at as "updatedAt"
     from webhook_deliveries d join webhook_events v on v.id = d.event_id
     ${where.length ? `where ${where.join(" and ")}` : ""}
     order by d.created_at desc, d.id desc limit ?`,
    params,
  );
  if (rows.length === 0) return [];
  const attempts = await sql.all<AttemptRow>(
    `select delivery_id as "deliveryId", attempt, at, status_code as "statusCode", latency_ms as "latencyMs",
            response, error
     from webhook_attempts where delivery_id in (${rows.map(() => "?").join(", ")}) order by id`,
    rows.map((row) => row.id),
  );
  return rows.map((row) => ({
    id: row.id,
    endpointId: row.endpointId,
    eventId: row.eventId,
    eventType: row.eventType,
    status: row.status,
    attempts: attempts
      .filter((a) => a.deliveryId === row.id)
      .map(({ deliveryId: _, at, ...attempt }) => ({ ...attempt, at: iso(at) ?? "" })),
    nextAttemptAt: row.status === "pending" ? iso(row.nextAttemptAt) : null,
    createdAt: iso(row.createdAt) ?? "",
    updatedAt: iso(row.updatedAt) ?? "",
  }));
};

/**
 * Queues deliveries again at once, with their original event (the same webhook-id and body, signed anew): one
 * by id, or an endpoint's since a time. A replay is one attempt: delivered, or failed again. Deliveries being
 * attempted right now are left to finish.
 */
export const replayDeliveries = async (
  store: Store,
  clock: Clock,
  which: { endpointId: string; deliveryId?: string; since?: number },
): Promise<string[]> => {
  const now = clock.now();
  const [condition, param] =
    which.deliveryId !== undefined ? ["id = ?", which.deliveryId] : ["created_at >= ?", which.since ?? now];
  const rows = await store.transaction((tx) =>
    tx.all<{ id: string }>(
      `update webhook_deliveries set status = 'pending', next_attempt_at = ?, replaying = 1, owner_id = null,
         claimed_until = null, updated_at = ?
       where endpoint_id = ? and ${condition} and status <> 'delivering'
       returning id`,
      [now, now, which.endpointId, param],
    ),
  );
  return rows.map((row) => row.id).sort();
};

/** What ops watch: deliveries waiting (and events not yet fanned out), and how long the oldest has waited. */
export const backlogOf = async (
  sql: Sql,
  now: number,
): Promise<{ pending: number; oldestAgeSeconds: number }> => {
  const deliveries = await sql.get<{ n: number; oldest: number | null }>(
    `select count(*) as n, min(next_attempt_at) as oldest from webhook_deliveries
     where status in ('pending', 'delivering')`,
  );
  const events = await sql.get<{ n: number; oldest: number | null }>(
    "select count(*) as n, min(created_at) as oldest from webhook_events where fanned_out = 0",
  );
  const oldest = Math.min(deliveries?.oldest ?? now, events?.oldest ?? now);
  return {
    pending: Number(deliveries?.n ?? 0) + Number(events?.n ?? 0),
    oldestAgeSeconds: Math.max(0, (now - oldest) / 1000),
  };
};
