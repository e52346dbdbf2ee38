import { ANY_DEPARTMENT, Scopes } from "@payreq/contracts";
import { departmentsWithScope, type Grant, type Principal } from "../auth/principal.ts";
import { PayreqError } from "../domain/errors.ts";
import type { Sql, SqlParam } from "../ports/store.ts";

/** Reads of the ops console that the audit and outbox functions do not cover, on either store. */

export type SessionUser = { principal: Principal; disabled: boolean };
export type DepartmentName = { uuid: string; name: string | null; dealerName: string | null };
export type ConsoleMessage = {
  uuid: string;
  createdAt: string;
  channel: "text" | "email";
  recipient: string;
  subject: string | null;
  status: "DELIVERED" | "FAILED" | "UNCERTAIN";
  provider: string;
  providerRef: string | null;
  error: string | null;
  segments: number | null;
  paymentRequestUuid: string;
  customerUuid: string;
  departmentUuid: string;
  requestId: string;
};
export type MessagePage = { messages: ConsoleMessage[]; nextCursor: string | null };
export type DeliveryRate = { channel: "text" | "email"; delivered: number; failed: number };
export type MessageFilter = {
  departmentUuid?: string | undefined;
  channel?: "text" | "email" | undefined;
  status?: "DELIVERED" | "FAILED" | "UNCERTAIN" | undefined;
  paymentRequestUuid?: string | undefined;
  customerUuid?: string | undefined;
  since?: string | undefined;
  until?: string | undefined;
  cursor?: string | undefined;
  limit: number;
};

const forbidden = (departmentUuid: string) =>
  new PayreqError("INVALID_SCOPE_DEPARTMENT", {
    description: `The credential does not hold payment.audit.read for department ${departmentUuid}.`,
  });

/** `department_uuid in (…)` for what the principal may read, or a refusal of a department outside it. */
const departmentClause = (principal: Principal, column: string, departmentUuid: string | undefined) => {
  const access = departmentsWithScope(principal, Scopes.auditRead);
  if (departmentUuid !== undefined) {
    if (access !== ANY_DEPARTMENT && !access.includes(departmentUuid)) throw forbidden(departmentUuid);
    return { sql: `${column} = ?`, params: [departmentUuid] };
  }
  if (access === ANY_DEPARTMENT) return undefined;
  if (access.length === 0) throw forbidden("any");
  return { sql: `${column} in (${access.map(() => "?").join(", ")})`, params: [...access] };
};

/** The credential as it is now, for a console session to be checked against on every page. */
export const sessionUser = async (sql: Sql, userId: number): Promise<SessionUser | undefined> => {
  const row = await sql.get<{ id: number; username: string; disabled: number; authVersion: number }>(
    `select id, username, disabled, auth_version as "authVersion" from api_users where id = ?`,
    [userId],
  );
  if (!row) return undefined;
  const grants = await sql.all<Grant>(
    `select scope, department_uuid as "departmentUuid" from api_grants where user_id = ? order by scope, department_uuid`,
    [row.id],
  );
  return {
    disabled: row.disabled === 1,
    principal: { userId: row.id, username: row.username, authVersion: row.authVersion, grants },
  };
};

/** Departments the principal may read, named where this service knows them (upstream mode may not). */
export const readableDepartments = async (sql: Sql, principal: Principal): Promise<DepartmentName[]> => {
  const known = await sql.all<DepartmentName>(
    `select d.uuid, d.name, dl.name as "dealerName" from departments d join dealers dl on dl.uuid = d.dealer_uuid
     order by dl.name, d.name, d.uuid`,
  );
  const access = departmentsWithScope(principal, Scopes.auditRead);
  if (access === ANY_DEPARTMENT) return known;
  return access.map((uuid) => known.find((d) => d.uuid === uuid) ?? { uuid, name: null, dealerName: null });
};

export const customerName = async (sql: Sql, customerUuid: string): Promise<string | undefined> => {
  const row = await sql.get<{ firstName: string; lastName: string }>(
    `select first_name as "firstName", last_name as "lastName" from customers where uuid = ?`,
    [customerUuid],
  );
  return row && `${row.firstName} ${row.lastName}`;
};

/** The outbox of the departments the principal may read, newest first by uuid (UUIDv7); the cursor is the last uuid. */
export const listConsoleMessages = async (
  sql: Sql,
  principal: Principal,
  query: MessageFilter,
): Promise<MessagePage> => {
  const clauses: string[] = [];
  const params: SqlParam[] = [];
  const departments = departmentClause(principal, "p.department_uuid", query.departmentUuid);
  if (departments) {
    clauses.push(departments.sql);
    params.push(...departments.params);
  }
  for (const [column, value] of [
    ["o.channel", query.channel],
    ["o.status", query.status],
    ["o.payment_request_uuid", query.paymentRequestUuid],
    ["o.customer_uuid", query.customerUuid],
  ] as const) {
    if (value !== undefined) {
      clauses.push(`${column} = ?`);
      params.push(value);
    }
  }
  if (query.since !== undefined) {
    clauses.push("o.created_at >= ?");
    params.push(Date.parse(query.since));
  }
  if (query.until !== undefined) {
    clauses.push("o.created_at <= ?");
    params.push(Date.parse(query.until));
  }
  if (query.cursor !== undefined) {
    clauses.push("o.uuid < ?");
    params.push(query.cursor);
  }
  const rows = await sql.all<Omit<ConsoleMessage, "createdAt"> & { createdAt: number }>(
    `select o.uuid, o.created_at as "createdAt", o.channel, o.recipient, o.subject, o.status, o.provider,
            o.provider_ref as "providerRef", o.error, o.segments, o.payment_request_uuid as "paymentRequestUuid",
            o.customer_uuid as "customerUuid", p.department_uuid as "departmentUuid", p.request_id as "requestId"
     from outbox o join payment_requests p on p.uuid = o.payment_request_uuid
     ${clauses.length ? `where ${clauses.join(" and ")}` : ""}
     order by o.uuid desc limit ?`,
    [...params, query.limit + 1],
  );
  const page = rows.slice(0, query.limit);
  return {
    messages: page.map((row) => ({ ...row, createdAt: new Date(row.createdAt).toISOString() })),
    nextCursor: rows.length > query.limit ? (page.at(-1)?.uuid ?? null) : null,
  };
};

/** Messages handed to a provider since `since`, by channel and result (a customer with no phone is none). */
export const deliveryRates = async (
  sql: Sql,
  principal: Principal,
  since: number,
  departmentUuid?: string,
): Promise<DeliveryRate[]> => {
  const departments = departmentClause(principal, "p.department_uuid", departmentUuid);
  const rows = await sql.all<DeliveryRate>(
    `select o.channel, sum(case when o.status = 'DELIVERED' then 1 else 0 end) as delivered,
            sum(case when o.status = 'FAILED' then 1 else 0 end) as failed
     from outbox o join payment_requests p on p.uuid = o.payment_request_uuid
     where o.created_at >= ? ${departments ? `and ${departments.sql}` : ""}
     group by o.channel`,
    [since, ...(departments?.params ?? [])],
  );
  return (["text", "email"] as const).map(
    (channel) => rows.find((r) => r.channel === channel) ?? { channel, delivered: 0, failed: 0 },
  );
};
