import { insertAuditRow } from "../audit/write-audit.ts";
import { defineProgram, type ProgramContext, type Sql } from "../ports/store.ts";
import { deliveryIdOf } from "./delivery-rows.ts";
import { ENDPOINT_COLUMNS, type EndpointRow, wants } from "./endpoint-rows.ts";
import type { AttemptVerdict } from "./retry-schedule.ts";

/** Rows locked for this transaction, skipping those another instance holds (PostgreSQL; SQLite has one writer). */
const skipLocked = (context: ProgramContext, of?: string) =>
  context.store.dialect === "postgres" ? ` for update${of ? ` of ${of}` : ""} skip locked` : "";

/**
 * The condition of the partial index `webhook_deliveries_due`, written out in every query of open deliveries:
 * SQLite uses a partial index only when the query repeats its condition (`status = 'pending'` alone scans the
 * table, every delivery ever made).
 */
const OPEN = "status in ('pending', 'delivering')";

/** Whether any event waits for its fan-out (a read, through the partial index of such events). */
export const hasUnfannedEvents = async (sql: Sql) =>
  (await sql.get("select 1 as found from webhook_events where fanned_out = 0 limit 1")) !== undefined;

/** Whether any delivery is due now (a read, through the partial index of pending deliveries). */
export const hasDueDeliveries = async (sql: Sql, now: number) =>
  (await sql.get(
    `select 1 as found from webhook_deliveries where ${OPEN} and status = 'pending' and next_attempt_at <= ? limit 1`,
    [now],
  )) !== undefined;

/** Whether any delivery is claimed by some process (a read): only then can a claim need taking back. */
export const hasClaims = async (sql: Sql) =>
  (await sql.get(
    `select 1 as found from webhook_deliveries where ${OPEN} and status = 'delivering' limit 1`,
  )) !== undefined;

/**
 * Fans new events out to the endpoints that want them, in one transaction: a delivery per (event, endpoint)
 * registered by the time of the event and enabled now, then the events are marked. Instances skip each other's
 * rows, and a delivery is unique per event and endpoint, so a fan-out repeated after a crash adds nothing.
 */
export const fanOutProgram = defineProgram<{ limit: number }, number>(
  "fan-out-events",
  async (tx, { limit }, context) => {
    const events = await tx.all<{
      id: string;
      type: string;
      dealerUuid: string;
      departmentUuid: string;
      createdAt: number;
    }>(
      `select id, type, dealer_uuid as "dealerUuid", department_uuid as "departmentUuid", created_at as "createdAt"
     from webhook_events where fanned_out = 0 order by created_at limit ?${skipLocked(context)}`,
      [limit],
    );
    if (events.length === 0) return 0;
    const dealers = [...new Set(events.map((e) => e.dealerUuid))];
    const endpoints = await tx.all<EndpointRow>(
      `select ${ENDPOINT_COLUMNS} from webhook_endpoints where dealer_uuid in (${dealers.map(() => "?").join(", ")})`,
      dealers,
    );
    const now = context.clock.now();
    const deliveries = events.flatMap((event) =>
      endpoints
        .filter(
          (endpoint) => endpoint.dealerUuid === event.dealerUuid && endpoint.createdAt <= event.createdAt,
        )
        .filter((endpoint) => wants(endpoint, event))
        .map((endpoint) => [deliveryIdOf(context.ids.next()), event.id, endpoint.id, now, now, now]),
    );
    for (let i = 0; i < deliveries.length; i += 100) {
      const chunk = deliveries.slice(i, i + 100);
      await tx.run(
        `insert into webhook_deliveries (id, event_id, endpoint_id, status, attempts, next_attempt_at, created_at,
         updated_at)
       values ${chunk.map(() => "(?, ?, ?, 'pending', 0, ?, ?, ?)").join(", ")}
       on conflict (event_id, endpoint_id) do nothing`,
        chunk.flat(),
      );
    }
    await tx.run(
      `update webhook_events set fanned_out = 1 where id in (${events.map(() => "?").join(", ")})`,
      events.map((e) => e.id),
    );
    return events.length;
  },
);

export type ClaimedDelivery = {
  id: string;
  eventId: string;
  endpointId: string;
  attempts: number;
  replaying: number;
};

/**
 * Claims deliveries that are due, of enabled endpoints, for this process (status `delivering`, an attempt
 * counted) until `claimedUntil`. A claim whose owner stops is taken back (recoverClaimsProgram).
 */
export const claimDueProgram = defineProgram<{ limit: number; claimedUntil: number }, ClaimedDelivery[]>(
  "claim-deliveries",
  async (tx, { limit, claimedUntil }, context) => {
    const now = context.clock.now();
    return tx.all<ClaimedDelivery>(
      `update webhook_deliveries set status = 'delivering', owner_id = ?, claimed_until = ?, attempts = attempts + 1,
         updated_at = ?
       where id in (
         select d.id from webhook_deliveries d join webhook_endpoints e on e.id = d.endpoint_id
         where d.${OPEN} and d.status = 'pending' and d.next_attempt_at <= ? and e.enabled = 1
         order by d.next_attempt_at limit ?${skipLocked(context, "d")})
       returning id, event_id as "eventId", endpoint_id as "endpointId", attempts, replaying`,
      [context.store.ownerId, claimedUntil, now, now, limit],
    );
  },
);

/**
 * Claims whose process stopped (its owner id is no longer held), or that outlived their time, go back to
 * pending at once: their attempt may or may not have reached the receiver, which then sees the same webhook-id
 * again (at least once).
 */
export const recoverClaimsProgram = defineProgram<Record<string, never>, number>(
  "recover-delivery-claims",
  async (tx, _args, context) => {
    const now = context.clock.now();
    const owners = await tx.all<{ ownerId: number }>(
      `select distinct owner_id as "ownerId" from webhook_deliveries
       where ${OPEN} and status = 'delivering' and owner_id is not null`,
    );
    let released = 0;
    for (const { ownerId } of owners) {
      const stale = ownerId !== context.store.ownerId && !(await context.store.isOwnerAlive(tx, ownerId));
      const { changes } = await tx.run(
        `update webhook_deliveries set status = 'pending', owner_id = null, claimed_until = null, updated_at = ?
         where ${OPEN} and status = 'delivering' and owner_id = ?${stale ? "" : " and claimed_until < ?"}`,
        stale ? [now, ownerId] : [now, ownerId, now],
      );
      released += changes;
    }
    return released;
  },
);

export type AttemptRecord = {
  delivery: ClaimedDelivery;
  at: number;
  statusCode: number | null;
  latencyMs: number;
  response: string | null;
  error: string | null;
  verdict: AttemptVerdict;
  /** When an endpoint that has been failing since so long ago is disabled. */
  disableIfFailingSince: number;
};

/** Disables an enabled endpoint, with its audit row; answers whether it did (it may be disabled already). */
const disable = async (tx: Sql, context: ProgramContext, endpointId: string, reason: string) => {
  const endpoint = await tx.get<{ departmentUuid: string | null; url: string }>(
    `select department_uuid as "departmentUuid", url from webhook_endpoints where id = ?`,
    [endpointId],
  );
  const now = context.clock.now();
  const { changes } = await tx.run(
    "update webhook_endpoints set enabled = 0, disabled_reason = ?, updated_at = ? where id = ? and enabled = 1",
    [reason, now, endpointId],
  );
  if (changes === 0) return false;
  await insertAuditRow(
    tx,
    {
      meta: {
        requestId: context.ids.next(),
        transport: "scheduler",
        operation: "webhooks.endpoint-disabled",
        receivedAt: now,
      },
      departmentUuid: endpoint?.departmentUuid ?? undefined,
      status: 200,
      requestBody: { endpointId },
      response: { errors: [], warnings: [], endpointId, url: endpoint?.url, reason },
    },
    context,
  );
  return true;
};

/** Whether a delivered, pending-again or failed delivery follows from the attempt, and its next try. */
const nextStateOf = (verdict: AttemptVerdict): [string, number | null] =>
  verdict.outcome === "delivered"
    ? ["delivered", null]
    : verdict.outcome === "retry"
      ? ["pending", verdict.nextAttemptAt]
      : ["failed", null];

/**
 * Attempts' records, with what follows from each, in one commit: the attempt rows; each delivery delivered,
 * pending again for its next try, or failed; the endpoints' failure records; an endpoint disabled (with an audit
 * row) after a 410 or five days of failures. A delivery removed meanwhile (with its endpoint) is skipped. Answers,
 * per record, the reason its endpoint was disabled, if it was.
 */
export const recordAttemptsProgram = defineProgram<AttemptRecord[], (string | null)[]>(
  "record-delivery-attempts",
  async (tx, records, context) => {
    const now = context.clock.now();
    const ids = records.map((r) => r.delivery.id);
    const present = new Set(
      (
        await tx.all<{ id: string }>(
          `select id from webhook_deliveries where id in (${ids.map(() => "?").join(", ")})`,
          ids,
        )
      ).map((row) => row.id),
    );
    const kept = records.filter((r) => present.has(r.delivery.id));
    if (kept.length > 0) {
      await tx.run(
        `insert into webhook_attempts (delivery_id, attempt, at, status_code, latency_ms, response, error)
         values ${kept.map(() => "(?, ?, ?, ?, ?, ?, ?)").join(", ")}`,
        kept.flatMap((r) => [
          r.delivery.id,
          r.delivery.attempts,
          r.at,
          r.statusCode,
          r.latencyMs,
          r.response,
          r.error,
        ]),
      );
    }
    const delivered = kept.filter((r) => r.verdict.outcome === "delivered");
    if (delivered.length > 0) {
      await tx.run(
        `update webhook_deliveries set status = 'delivered', next_attempt_at = null, replaying = 0, owner_id = null,
           claimed_until = null, updated_at = ? where id in (${delivered.map(() => "?").join(", ")})`,
        [now, ...delivered.map((r) => r.delivery.id)],
      );
      const endpoints = [...new Set(delivered.map((r) => r.delivery.endpointId))].sort();
      await tx.run(
        `update webhook_endpoints set failing_since = null
         where id in (${endpoints.map(() => "?").join(", ")}) and failing_since is not null`,
        endpoints,
      );
    }
    const disabled = new Map<AttemptRecord, string>();
    const failures = kept
      .filter((r) => r.verdict.outcome !== "delivered")
      .sort((a, b) => a.delivery.endpointId.localeCompare(b.delivery.endpointId));
    for (const record of failures) {
      const { delivery, verdict } = record;
      const [status, next] = nextStateOf(verdict);
      await tx.run(
        `update webhook_deliveries set status = ?, next_attempt_at = ?, replaying = 0, owner_id = null,
           claimed_until = null, updated_at = ? where id = ?`,
        [status, next, now, delivery.id],
      );
      if (verdict.outcome === "gone") {
        const reason = "the endpoint answered 410 Gone";
        if (await disable(tx, context, delivery.endpointId, reason)) disabled.set(record, reason);
        continue;
      }
      await tx.run("update webhook_endpoints set failing_since = ? where id = ? and failing_since is null", [
        record.at,
        delivery.endpointId,
      ]);
      const failing = await tx.get<{ since: number | null }>(
        "select failing_since as since from webhook_endpoints where id = ?",
        [delivery.endpointId],
      );
      if (failing?.since != null && failing.since <= record.disableIfFailingSince) {
        const reason = "every attempt failed for 5 days";
        if (await disable(tx, context, delivery.endpointId, reason)) disabled.set(record, reason);
      }
    }
    return records.map((r) => disabled.get(r) ?? null);
  },
  // Its own transaction on PostgreSQL, beside the others' (a grouped batch would queue behind the audit chain's
  // batches); SQLite's one writer commits every write in groups anyway. The dispatcher batches attempts itself.
);

/** Claims this process took but will not attempt (their endpoint was disabled meanwhile): pending again. */
export const releaseClaimsProgram = defineProgram<string[], void>(
  "release-delivery-claims",
  async (tx, ids, context) => {
    await tx.run(
      `update webhook_deliveries set status = 'pending', owner_id = null, claimed_until = null,
         attempts = attempts - 1, updated_at = ?
       where id in (${ids.map(() => "?").join(", ")}) and status = 'delivering' and owner_id = ?`,
      [context.clock.now(), ...ids, context.store.ownerId],
    );
  },
);
