import { ANY_DEPARTMENT, type AuditListResponse, Scopes, toRequestErrors } from "@payreq/contracts";
import {
  type Core,
  departmentsWithScope,
  type Grant,
  listOutbox,
  PayreqError,
  type Principal,
  type ReadResult,
  readAuditList,
  readAuditRecord,
  readAuditStats,
  verifyAuditChain,
} from "@payreq/core";
import { type MessageQuery, MessageQuerySchema } from "./message-query.ts";

/**
 * Every read the ops console makes, and nothing else touches the database for it. The functions are async
 * although SQLite answers synchronously, because the store they will move to answers asynchronously.
 */
export const createOpsData = (core: Core) => {
  const { sqlite } = core.deps.database;
  const statements = prepareConsoleStatements(sqlite);

  return {
    listCalls: async (principal: Principal, query: Record<string, string>) =>
      readAuditList(sqlite, principal, query),

    getCall: async (principal: Principal, requestId: string) =>
      readAuditRecord(sqlite, principal, { requestId }),

    /** Keys belong to the credential that sent them, so the calls sharing one are that credential's. */
    callsWithKey: async (
      principal: Principal,
      username: string,
      idempotencyKey: string,
    ): Promise<ReadResult<AuditListResponse>> =>
      readAuditList(sqlite, principal, { username, idempotencyKey, limit: "50" }),

    /** The messages of a payment request; the caller has already been allowed to read the call that made it. */
    messagesOf: async (paymentRequestUuid: string) => listOutbox(sqlite, { paymentRequestUuid, limit: 100 }),

    callStats: async (principal: Principal, query: Record<string, string>) =>
      readAuditStats(sqlite, principal, query),

    /** Walks every row of the log: O(n), so the console runs it on request only. */
    verifyChain: async () => verifyAuditChain(sqlite),

    sessionPrincipal: async (userId: number) => statements.sessionPrincipal(userId),
    departments: async (principal: Principal) => statements.departments(principal),
    customerName: async (customerUuid: string) => statements.customerName(customerUuid),
    listMessages: async (principal: Principal, input: unknown) => statements.listMessages(principal, input),
    deliveryRates: async (principal: Principal, since: number, departmentUuid?: string) =>
      statements.deliveryRates(principal, since, departmentUuid),
  };
};

export type OpsData = ReturnType<typeof createOpsData>;

export type SessionUser = { principal: Principal; disabled: boolean };
export type DepartmentName = { uuid: string; name: string | null; dealerName: string | null };
export type ConsoleMessage = {
  uuid: string;
  createdAt: string;
  channel: "text" | "email";
  recipient: string;
  subject: string | null;
  status: "DELIVERED" | "FAILED";
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

/*
 * Queries core does not offer yet. They are plain SQL over core's tables, kept here so that moving the console
 * to the store port means moving exactly these: the credential's current state for a session, department
 * names, a customer's name, the outbox by department with keyset paging, and delivery counts per channel.
 */
type Sqlite = Core["deps"]["database"]["sqlite"];

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

const refusal = <T>(error: unknown): ReadResult<T> => {
  if (error instanceof PayreqError)
    return { status: error.status, body: { errors: [error.item], warnings: [] } };
  throw error;
};

const prepareConsoleStatements = (sqlite: Sqlite) => {
  const user = sqlite.prepare(
    "select id, username, disabled, auth_version as authVersion from api_users where id = ?",
  );
  const grants = sqlite.prepare(
    "select scope, department_uuid as departmentUuid from api_grants where user_id = ?",
  );
  const allDepartments = sqlite.prepare(
    `select d.uuid, d.name, dl.name as dealerName from departments d join dealers dl on dl.uuid = d.dealer_uuid
     order by dl.name, d.name, d.uuid`,
  );
  const customer = sqlite.prepare(
    "select first_name as firstName, last_name as lastName from customers where uuid = ?",
  );

  return {
    sessionPrincipal(userId: number): SessionUser | undefined {
      const row = user.get(userId) as
        | { id: number; username: string; disabled: number; authVersion: number }
        | undefined;
      if (!row) return undefined;
      return {
        disabled: row.disabled === 1,
        principal: {
          userId: row.id,
          username: row.username,
          authVersion: row.authVersion,
          grants: grants.all(row.id) as Grant[],
        },
      };
    },

    /** Departments the principal may read, named where this service knows them (upstream mode may not). */
    departments(principal: Principal): DepartmentName[] {
      const known = allDepartments.all() as DepartmentName[];
      const access = departmentsWithScope(principal, Scopes.auditRead);
      if (access === ANY_DEPARTMENT) return known;
      return access.map(
        (uuid) => known.find((d) => d.uuid === uuid) ?? { uuid, name: null, dealerName: null },
      );
    },

    customerName(customerUuid: string): string | undefined {
      const row = customer.get(customerUuid) as { firstName: string; lastName: string } | undefined;
      return row && `${row.firstName} ${row.lastName}`;
    },

    /** Newest first by uuid (UUIDv7, so creation order); the cursor is the last uuid seen. */
    listMessages(principal: Principal, input: unknown): ReadResult<MessagePage> {
      const parsed = MessageQuerySchema.safeParse(input);
      if (!parsed.success) {
        return { status: 400, body: { errors: toRequestErrors(parsed.error), warnings: [] } };
      }
      const query: MessageQuery = parsed.data;
      try {
        const clauses: string[] = [];
        const params: unknown[] = [];
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
        const rows = sqlite
          .prepare(
            `select o.uuid, o.created_at as createdAt, o.channel, o.recipient, o.subject, o.status, o.provider,
                    o.provider_ref as providerRef, o.error, o.segments, o.payment_request_uuid as paymentRequestUuid,
                    o.customer_uuid as customerUuid, p.department_uuid as departmentUuid, p.request_id as requestId
             from outbox o join payment_requests p on p.uuid = o.payment_request_uuid
             ${clauses.length ? `where ${clauses.join(" and ")}` : ""}
             order by o.uuid desc limit ?`,
          )
          .all(...params, query.limit + 1) as (Omit<ConsoleMessage, "createdAt"> & { createdAt: number })[];
        const page = rows.slice(0, query.limit);
        return {
          status: 200,
          body: {
            messages: page.map((row) => ({ ...row, createdAt: new Date(row.createdAt).toISOString() })),
            nextCursor: rows.length > query.limit ? (page.at(-1)?.uuid ?? null) : null,
          },
        };
      } catch (error) {
        return refusal(error);
      }
    },

    /** Messages handed to a provider since `since`, by channel and result (a customer with no phone is none). */
    deliveryRates(principal: Principal, since: number, departmentUuid?: string): ReadResult<DeliveryRate[]> {
      try {
        const departments = departmentClause(principal, "p.department_uuid", departmentUuid);
        const rows = sqlite
          .prepare(
            `select o.channel, sum(o.status = 'DELIVERED') as delivered, sum(o.status = 'FAILED') as failed
             from outbox o join payment_requests p on p.uuid = o.payment_request_uuid
             where o.created_at >= ? ${departments ? `and ${departments.sql}` : ""}
             group by o.channel`,
          )
          .all(since, ...(departments?.params ?? [])) as DeliveryRate[];
        return {
          status: 200,
          body: (["text", "email"] as const).map(
            (channel) => rows.find((r) => r.channel === channel) ?? { channel, delivered: 0, failed: 0 },
          ),
        };
      } catch (error) {
        return refusal(error);
      }
    },
  };
};
