import { insertAuditRow } from "../audit/write-audit.ts";
import { defineProgram, type ProgramContext, type Sql } from "../ports/store.ts";
import { deliveryIdOf } from "./delivery-rows.ts";
import { ENDPOINT_COLUMNS, type EndpointRow, wants } from "./endpoint-rows.ts";
import type { AttemptVerdict } from "./retry-schedule.ts";

/** Rows locked for this transaction, skipping those another instance holds (PostgreSQL; SQLite has one writer). */
const skipLocked = (context: ProgramContext, of?: string) =>
  context.store.dialect === "postgres" ? ` for update${of ? ` of ${of}` : ""} skip locked` : "";

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
         where d.status = 'pending' and d.next_attempt_at <= ? and e.enabled = 1
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
       where status = 'delivering' and owner_id is not null`,
    );
    let released = 0;
    for (const { ownerId } of owners) {
      const stale = ownerId !== context.store.ownerId && !(await context.store.isOwnerAlive(tx, ownerId));
      const { changes } = await tx.run(
        `update webhook_deliveries set status = 'pending', owner_id = null, claimed_until = null, updated_at = ?
         where status = 'delivering' and owner_id = ?${stale ? "" : " and claimed_until < ?"}`,
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

const disable = async (tx: Sql, context: ProgramContext, endpointId: string, reason: string) => {
  const endpoint = await tx.get<{ departmentUuid: string | null; url: string }>(
    `select department_uuid as "departmentUuid", url from webhook_endpoints where id = ?`,
    [endpointId],
  );
  await tx.run("update webhook_endpoints set enabled = 0, disabled_reason = ?, updated_at = ? where id = ?", [
    reason,
    context.clock.now(),
    endpointId,
  ]);
  const now = context.clock.now();
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
};

/**
 * One attempt's record, with what follows from it, in one commit: the attempt row; the delivery delivered,
 * pending again for its next try, or failed; the endpoint's failure record; the endpoint disabled (with an audit
 * row) after a 410 or five days of failures. Answers whether the endpoint was disabled.
 */
export const recordAttemptProgram = defineProgram<AttemptRecord, { disabled: string | undefined }>(
  "record-delivery-attempt",
  async (tx, record, context) => {
    const { delivery, verdict } = record;
    const now = context.clock.now();
    await tx.run(
      `insert into webhook_attempts (delivery_id, attempt, at, status_code, latency_ms, response, error)
       values (?, ?, ?, ?, ?, ?, ?)`,
      [
        delivery.id,
        delivery.attempts,
        record.at,
        record.statusCode,
        record.latencyMs,
        record.response,
        record.error,
      ],
    );
    const [status, next] =
      verdict.outcome === "delivered"
        ? ["delivered", null]
        : verdict.outcome === "retry"
          ? ["pending", verdict.nextAttemptAt]
          : ["failed", null];
    await tx.run(
      `update webhook_deliveries set status = ?, next_attempt_at = ?, replaying = 0, owner_id = null,
         claimed_until = null, updated_at = ? where id = ?`,
      [status, next, now, delivery.id],
    );
    if (verdict.outcome === "delivered") {
      await tx.run(
        "update webhook_endpoints set failing_since = null where id = ? and failing_since is not null",
        [delivery.endpointId],
      );
      return { disabled: undefined };
    }
    if (verdict.outcome === "gone") {
      const reason = "the endpoint answered 410 Gone";
      await disable(tx, context, delivery.endpointId, reason);
      return { disabled: reason };
    }
    await tx.run("update webhook_endpoints set failing_since = ? where id = ? and failing_since is null", [
      record.at,
      delivery.endpointId,
    ]);
    const failing = await tx.get<{ since: number | null; enabled: number }>(
      `select failing_since as since, enabled from webhook_endpoints where id = ?`,
      [delivery.endpointId],
    );
    if (failing?.enabled === 1 && failing.since !== null && failing.since <= record.disableIfFailingSince) {
      const reason = "every attempt failed for 5 days";
      await disable(tx, context, delivery.endpointId, reason);
      return { disabled: reason };
    }
    return { disabled: undefined };
  },
  { grouped: true },
);
