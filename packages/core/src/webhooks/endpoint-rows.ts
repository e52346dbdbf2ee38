import type { WebhookEndpoint, WebhookEventType } from "@payreq/contracts";
import type { Sql } from "../ports/store.ts";

/** A webhook endpoint as stored (secrets included: only the dispatcher reads them). */
export type EndpointRow = {
  id: string;
  dealerUuid: string;
  departmentUuid: string | null;
  url: string;
  events: string | null;
  description: string | null;
  enabled: number;
  disabledReason: string | null;
  secret: string;
  previousSecret: string | null;
  previousSecretExpiresAt: number | null;
  failingSince: number | null;
  createdAt: number;
  updatedAt: number;
};

export const ENDPOINT_COLUMNS = `id, dealer_uuid as "dealerUuid", department_uuid as "departmentUuid", url, events,
  description, enabled, disabled_reason as "disabledReason", secret, previous_secret as "previousSecret",
  previous_secret_expires_at as "previousSecretExpiresAt", failing_since as "failingSince",
  created_at as "createdAt", updated_at as "updatedAt"`;

export const endpointIdOf = (uuid: string) => `ep_${uuid.replaceAll("-", "")}`;

/** The endpoint as callers see it: never a secret. */
export const toEndpoint = (row: EndpointRow, now: number): WebhookEndpoint => ({
  id: row.id,
  dealerUuid: row.dealerUuid,
  departmentUuid: row.departmentUuid,
  url: row.url,
  events: row.events === null ? null : (JSON.parse(row.events) as WebhookEventType[]),
  description: row.description,
  enabled: row.enabled === 1,
  disabledReason: row.disabledReason,
  previousSecretExpiresAt:
    row.previousSecretExpiresAt !== null && row.previousSecretExpiresAt > now
      ? new Date(row.previousSecretExpiresAt).toISOString()
      : null,
  createdAt: new Date(row.createdAt).toISOString(),
  updatedAt: new Date(row.updatedAt).toISOString(),
});

/** The secrets an attempt is signed with: the current one, and the previous one for 24 h after a rotation. */
export const validSecrets = (
  row: Pick<EndpointRow, "secret" | "previousSecret" | "previousSecretExpiresAt">,
  now: number,
) =>
  row.previousSecret && row.previousSecretExpiresAt !== null && row.previousSecretExpiresAt > now
    ? [row.secret, row.previousSecret]
    : [row.secret];

/** Whether the endpoint wants events of this type, of this department. */
export const wants = (
  row: Pick<EndpointRow, "departmentUuid" | "events" | "enabled">,
  event: { type: string; departmentUuid: string },
): boolean =>
  row.enabled === 1 &&
  (row.departmentUuid === null || row.departmentUuid === event.departmentUuid) &&
  (row.events === null || (JSON.parse(row.events) as string[]).includes(event.type));

export const getEndpoint = (sql: Sql, id: string) =>
  sql.get<EndpointRow>(`select ${ENDPOINT_COLUMNS} from webhook_endpoints where id = ?`, [id]);

/** Endpoints by id, in one read. */
export const endpointsByIds = async (sql: Sql, ids: string[]): Promise<Map<string, EndpointRow>> => {
  if (ids.length === 0) return new Map();
  const rows = await sql.all<EndpointRow>(
    `select ${ENDPOINT_COLUMNS} from webhook_endpoints where id in (${ids.map(() => "?").join(", ")})`,
    ids,
  );
  return new Map(rows.map((row) => [row.id, row]));
};

/** The endpoints that cover a department: its own, and its dealer's dealer-wide ones. */
export const endpointsOfDepartment = (sql: Sql, dealerUuid: string, departmentUuid: string) =>
  sql.all<EndpointRow>(
    `select ${ENDPOINT_COLUMNS} from webhook_endpoints
     where dealer_uuid = ? and (department_uuid = ? or department_uuid is null) order by created_at, id`,
    [dealerUuid, departmentUuid],
  );

/** A department the endpoint covers (a dealer-wide one covers all of its dealer's): where operators act on it. */
export const departmentOfEndpoint = async (sql: Sql, id: string): Promise<string | undefined> =>
  (
    await sql.get<{ uuid: string }>(
      `select coalesce(e.department_uuid, (select d.uuid from departments d where d.dealer_uuid = e.dealer_uuid
         order by d.uuid limit 1)) as uuid
       from webhook_endpoints e where e.id = ?`,
      [id],
    )
  )?.uuid;
