import type { WebhookDeliveryStatus } from "@payreq/contracts";
import { type AuditListResponse, toRequestErrors } from "@payreq/contracts";
import {
  type Core,
  customerName,
  type DeliveryRate,
  deliveryRates,
  eventsOfCall,
  listConsoleDeliveries,
  listConsoleEndpoints,
  listConsoleMessages,
  listConsolePayments,
  listOutbox,
  type MessagePage,
  PayreqError,
  type Principal,
  type ReadResult,
  readAuditList,
  readAuditRecord,
  readAuditStats,
  readableDepartments,
  replayFromConsole,
  sessionUser,
} from "@payreq/core";
import { MessageQuerySchema } from "./message-query.ts";

export type { ConsoleMessage, DeliveryRate, DepartmentName, MessagePage, SessionUser } from "@payreq/core";

/** A refusal of a read (a department outside the credential's scope) as the result the pages show. */
const settled = async <T>(read: () => Promise<T>): Promise<ReadResult<T>> => {
  try {
    return { status: 200, body: await read() };
  } catch (error) {
    if (error instanceof PayreqError)
      return { status: error.status, body: { errors: [error.item], warnings: [] } };
    throw error;
  }
};

/** Every read the ops console makes, all through core on the configured store. */
export const createOpsData = (core: Core) => {
  const { store } = core;
  return {
    listCalls: (principal: Principal, query: Record<string, string>) =>
      readAuditList(store, principal, query),

    getCall: (principal: Principal, requestId: string) => readAuditRecord(store, principal, { requestId }),

    /** Keys belong to the credential that sent them, so the calls sharing one are that credential's. */
    callsWithKey: (
      principal: Principal,
      username: string,
      idempotencyKey: string,
    ): Promise<ReadResult<AuditListResponse>> =>
      readAuditList(store, principal, { username, idempotencyKey, limit: "50" }),

    /** The messages of a payment request; the caller has already been allowed to read the call that made it. */
    messagesOf: (paymentRequestUuid: string) => listOutbox(store.sql, { paymentRequestUuid, limit: 100 }),

    callStats: (principal: Principal, query: Record<string, string>) =>
      readAuditStats(store, principal, query),

    sessionPrincipal: (userId: number) => sessionUser(store.sql, userId),
    departments: (principal: Principal) => readableDepartments(store.sql, principal),
    customerName: (customerUuid: string) => customerName(store.sql, customerUuid),

    async listMessages(principal: Principal, input: unknown): Promise<ReadResult<MessagePage>> {
      const parsed = MessageQuerySchema.safeParse(input);
      if (!parsed.success)
        return { status: 400, body: { errors: toRequestErrors(parsed.error), warnings: [] } };
      return settled(() => listConsoleMessages(store.sql, principal, parsed.data));
    },

    endpoints: (principal: Principal) => listConsoleEndpoints(store.sql, principal, core.clock.now()),

    deliveries: (
      principal: Principal,
      filter: { endpointId?: string | undefined; status?: WebhookDeliveryStatus | undefined; limit: number },
    ) => listConsoleDeliveries(store.sql, principal, filter),

    /** The events a call raised, with their deliveries; the caller may already read the call. */
    eventsOf: (principal: Principal, requestId: string) => eventsOfCall(store.sql, principal, requestId),

    replay: (principal: Principal, deliveryId: string) =>
      replayFromConsole(store, core.clock, principal, deliveryId),

    payments: (principal: Principal, doublePayments: boolean) =>
      listConsolePayments(store.sql, principal, { doublePayments }),

    deliveryRates: (
      principal: Principal,
      since: number,
      departmentUuid?: string,
    ): Promise<ReadResult<DeliveryRate[]>> =>
      settled(() => deliveryRates(store.sql, principal, since, departmentUuid)),
  };
};

export type OpsData = ReturnType<typeof createOpsData>;
