import { ANY_DEPARTMENT, Scopes, type WebhookDelivery, type WebhookEndpoint } from "@payreq/contracts";
import { departmentsWithScope, type Principal } from "../auth/principal.ts";
import { PayreqError } from "../domain/errors.ts";
import type { Clock } from "../ports/clock.ts";
import type { Sql, Store } from "../ports/store.ts";
import { type DeliveryFilter, listDeliveries, replayDeliveries } from "../webhooks/delivery-rows.ts";
import { ENDPOINT_COLUMNS, type EndpointRow, toEndpoint } from "../webhooks/endpoint-rows.ts";

/**
 * The console's reads of webhooks: what a user reading the audit log of some departments may see of them (their
 * endpoints, their dealers' dealer-wide ones, the deliveries of their events), and a replay of one delivery.
 */

const readable = (principal: Principal) => departmentsWithScope(principal, Scopes.auditRead);

export const listConsoleEndpoints = async (
  sql: Sql,
  principal: Principal,
  now: number,
): Promise<WebhookEndpoint[]> => {
  const access = readable(principal);
  if (access !== ANY_DEPARTMENT && access.length === 0) return [];
  const marks = access === ANY_DEPARTMENT ? "" : access.map(() => "?").join(", ");
  const rows = await sql.all<EndpointRow>(
    `select ${ENDPOINT_COLUMNS} from webhook_endpoints
     ${
       access === ANY_DEPARTMENT
         ? ""
         : `where department_uuid in (${marks})
              or (department_uuid is null and dealer_uuid in (select dealer_uuid from departments where uuid in (${marks})))`
     }
     order by created_at desc, id`,
    access === ANY_DEPARTMENT ? [] : [...access, ...access],
  );
  return rows.map((row) => toEndpoint(row, now));
};

export const listConsoleDeliveries = (
  sql: Sql,
  principal: Principal,
  filter: Omit<DeliveryFilter, "departmentUuids">,
): Promise<WebhookDelivery[]> => {
  const access = readable(principal);
  return listDeliveries(sql, {
    ...filter,
    ...(access === ANY_DEPARTMENT ? {} : { departmentUuids: access }),
  });
};

/** The events a call raised, each with its deliveries (an event no endpoint wanted has none). */
export const eventsOfCall = async (sql: Sql, principal: Principal, requestId: string) => {
  const events = await sql.all<{ id: string; type: string; createdAt: number; fannedOut: number }>(
    `select id, type, created_at as "createdAt", fanned_out as "fannedOut" from webhook_events
     where request_id = ? order by created_at, id`,
    [requestId],
  );
  const deliveries = events.length
    ? await listConsoleDeliveries(sql, principal, { requestId, limit: 500 })
    : [];
  return events.map((event) => ({
    ...event,
    createdAt: new Date(event.createdAt).toISOString(),
    deliveries: deliveries.filter((d) => d.eventId === event.id),
  }));
};

/** Ops replay one delivery of an event of a department they may read: sent again at once, same webhook-id. */
export const replayFromConsole = async (
  store: Store,
  clock: Clock,
  principal: Principal,
  deliveryId: string,
): Promise<string[]> => {
  const delivery = await store.sql.get<{ endpointId: string; departmentUuid: string }>(
    `select d.endpoint_id as "endpointId", v.department_uuid as "departmentUuid"
     from webhook_deliveries d join webhook_events v on v.id = d.event_id where d.id = ?`,
    [deliveryId],
  );
  const access = readable(principal);
  if (!delivery || (access !== ANY_DEPARTMENT && !access.includes(delivery.departmentUuid))) {
    throw new PayreqError("WEBHOOK_DELIVERY_NOT_FOUND");
  }
  return replayDeliveries(store, clock, { endpointId: delivery.endpointId, deliveryId });
};
