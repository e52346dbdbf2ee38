import {
  DepartmentUuid,
  type ErrorEnvelope,
  Scopes,
  toRequestErrors,
  WebhookDeliveriesQuery,
  type WebhookDelivery,
  WebhookDeliveryId,
  type WebhookEndpoint,
  WebhookEndpointCreate,
  WebhookEndpointId,
  type WebhookEndpointWithSecret,
  WebhookReplayRequest,
  withoutNullFields,
} from "@payreq/contracts";
import type * as z from "zod";
import { holdsScope, type Principal } from "../auth/principal.ts";
import type { Department } from "../domain/dealer.ts";
import { PayreqError } from "../domain/errors.ts";
import type { Clock, IdGenerator } from "../ports/clock.ts";
import type { Logger } from "../ports/logger.ts";
import type { PaymentsPlatform } from "../ports/platform.ts";
import type { Store } from "../ports/store.ts";
import type { WebhookSender } from "../ports/webhook-sender.ts";
import { toFailure } from "../send/failure.ts";
import { listDeliveries, replayDeliveries } from "./delivery-rows.ts";
import {
  type EndpointRow,
  endpointIdOf,
  endpointsOfDepartment,
  getEndpoint,
  toEndpoint,
} from "./endpoint-rows.ts";
import { newWebhookSecret } from "./signature.ts";

/** How long a rotated-out secret keeps signing: receivers have a day to take the new one. */
export const PREVIOUS_SECRET_TTL_MS = 24 * 3_600_000;

export type WebhookDeps = {
  store: Store;
  platform: PaymentsPlatform;
  clock: Clock;
  ids: IdGenerator;
  logger: Logger;
  webhookSender: Pick<WebhookSender, "refusal">;
};

export type ManageResult<T> =
  | { ok: true; status: 200 | 201; body: T & { errors: []; warnings: [] } }
  | { ok: false; status: number; body: ErrorEnvelope; retryAfterSeconds?: number | undefined };

const parse = <S extends z.ZodType>(schema: S, input: unknown): z.infer<S> => {
  const parsed = schema.safeParse(withoutNullFields(input));
  if (parsed.success) return parsed.data;
  throw Object.assign(new PayreqError("INVALID_REQUEST_DATA"), { errors: toRequestErrors(parsed.error) });
};

type Call = { principal: Principal; departmentUuid: unknown; requestId: string };

/**
 * Every management call: the path, the scope for the department, the department (404), then the work; refusals
 * in the envelope, as the other endpoints answer them.
 */
const manage = async <T>(
  deps: WebhookDeps,
  call: Call,
  work: (department: Department) => Promise<{ status: 200 | 201; body: T }>,
): Promise<ManageResult<T>> => {
  try {
    const path = DepartmentUuid.safeParse(call.departmentUuid);
    if (!path.success) {
      throw Object.assign(new PayreqError("INVALID_REQUEST_DATA"), {
        errors: toRequestErrors(path.error, ["departmentUuid"]),
      });
    }
    if (!holdsScope(call.principal, Scopes.webhooksManage, path.data)) {
      throw new PayreqError("INVALID_SCOPE_DEPARTMENT", {
        description: `The credential does not hold ${Scopes.webhooksManage} for this department.`,
      });
    }
    const department = await deps.platform.getDepartment(path.data);
    if (!department) throw new PayreqError("INVALID_DEPARTMENT_TOKEN");
    const { status, body } = await work(department);
    return { ok: true, status, body: { errors: [], warnings: [], ...body } };
  } catch (error) {
    const failure = toFailure(deps, error, call);
    return {
      ok: false,
      status: failure.status,
      body: failure.envelope,
      retryAfterSeconds: failure.retryAfterSeconds,
    };
  }
};

/** An endpoint that covers the department (its own, or its dealer's dealer-wide one), else 404. */
const endpointOf = async (deps: WebhookDeps, department: Department, endpointId: unknown) => {
  const id = parse(WebhookEndpointId, endpointId);
  const row = await getEndpoint(deps.store.sql, id);
  const covers =
    row &&
    row.dealerUuid === department.dealerUuid &&
    (row.departmentUuid === null || row.departmentUuid === department.uuid);
  if (!covers) throw new PayreqError("WEBHOOK_ENDPOINT_NOT_FOUND");
  return row;
};

/**
 * A dealer-wide endpoint hears every department of the dealer, so registering one (or changing it) needs the
 * scope for each of them.
 */
const assertDealerWideAllowed = async (deps: WebhookDeps, call: Call, dealerUuid: string) => {
  const departments = await deps.store.sql.all<{ uuid: string }>(
    "select uuid from departments where dealer_uuid = ?",
    [dealerUuid],
  );
  if (departments.some((d) => !holdsScope(call.principal, Scopes.webhooksManage, d.uuid))) {
    throw new PayreqError("INVALID_SCOPE_DEPARTMENT", {
      description: `A dealer-wide endpoint needs ${Scopes.webhooksManage} for every department of the dealer.`,
    });
  }
};

const assertManageable = async (deps: WebhookDeps, call: Call, row: EndpointRow) => {
  if (row.departmentUuid === null) await assertDealerWideAllowed(deps, call, row.dealerUuid);
};

const refused = (description: string) =>
  new PayreqError("WEBHOOK_DESTINATION_REFUSED", { description: `url refused: ${description}` });

export const createWebhookApi = (deps: WebhookDeps) => {
  const { store, clock } = deps;
  const reload = async (id: string) => {
    const row = await getEndpoint(store.sql, id);
    if (!row) throw new PayreqError("WEBHOOK_ENDPOINT_NOT_FOUND");
    return row;
  };
  const update = (id: string, assignments: string, params: (string | number | null)[]) =>
    store.transaction((tx) =>
      tx.run(`update webhook_endpoints set ${assignments}, updated_at = ? where id = ?`, [
        ...params,
        clock.now(),
        id,
      ]),
    );

  return {
    /** Registers an endpoint; its signing secret is in this answer and never again. */
    create: (call: Call, input: unknown): Promise<ManageResult<{ endpoint: WebhookEndpointWithSecret }>> =>
      manage(deps, call, async (department) => {
        const body = parse(WebhookEndpointCreate, input);
        if (body.dealerWide) await assertDealerWideAllowed(deps, call, department.dealerUuid);
        const refusal = await deps.webhookSender.refusal(body.url);
        if (refusal) throw refused(refusal);
        const now = clock.now();
        const id = endpointIdOf(deps.ids.next());
        const secret = newWebhookSecret();
        await store.transaction((tx) =>
          tx.run(
            `insert into webhook_endpoints (id, dealer_uuid, department_uuid, url, events, description, enabled,
               secret, created_at, updated_at)
             values (?, ?, ?, ?, ?, ?, 1, ?, ?, ?)`,
            [
              id,
              department.dealerUuid,
              body.dealerWide ? null : department.uuid,
              body.url,
              body.events ? JSON.stringify([...new Set(body.events)]) : null,
              body.description ?? null,
              secret,
              now,
              now,
            ],
          ),
        );
        return { status: 201, body: { endpoint: { ...toEndpoint(await reload(id), now), secret } } };
      }),

    list: (call: Call): Promise<ManageResult<{ endpoints: WebhookEndpoint[] }>> =>
      manage(deps, call, async (department) => {
        const rows = await endpointsOfDepartment(store.sql, department.dealerUuid, department.uuid);
        return { status: 200, body: { endpoints: rows.map((row) => toEndpoint(row, clock.now())) } };
      }),

    show: (call: Call, endpointId: unknown): Promise<ManageResult<{ endpoint: WebhookEndpoint }>> =>
      manage(deps, call, async (department) => ({
        status: 200,
        body: { endpoint: toEndpoint(await endpointOf(deps, department, endpointId), clock.now()) },
      })),

    /** Enables or disables; an endpoint enabled again starts with a clean failure record. */
    setEnabled: (
      call: Call,
      endpointId: unknown,
      enabled: boolean,
    ): Promise<ManageResult<{ endpoint: WebhookEndpoint }>> =>
      manage(deps, call, async (department) => {
        const row = await endpointOf(deps, department, endpointId);
        await assertManageable(deps, call, row);
        await update(
          row.id,
          "enabled = ?, disabled_reason = ?, failing_since = null",
          enabled ? [1, null] : [0, `disabled by ${call.principal.username}`],
        );
        return { status: 200, body: { endpoint: toEndpoint(await reload(row.id), clock.now()) } };
      }),

    /** Removes the endpoint and its deliveries; events already raised stay in the log. */
    remove: (call: Call, endpointId: unknown): Promise<ManageResult<{ removed: string }>> =>
      manage(deps, call, async (department) => {
        const row = await endpointOf(deps, department, endpointId);
        await assertManageable(deps, call, row);
        await store.transaction(async (tx) => {
          await tx.run(
            "delete from webhook_attempts where delivery_id in (select id from webhook_deliveries where endpoint_id = ?)",
            [row.id],
          );
          await tx.run("delete from webhook_deliveries where endpoint_id = ?", [row.id]);
          await tx.run("delete from webhook_endpoints where id = ?", [row.id]);
        });
        return { status: 200, body: { removed: row.id } };
      }),

    /** A new secret, answered once; the old one signs too for 24 h, so receivers can switch without a gap. */
    rotateSecret: (
      call: Call,
      endpointId: unknown,
    ): Promise<ManageResult<{ endpoint: WebhookEndpointWithSecret }>> =>
      manage(deps, call, async (department) => {
        const row = await endpointOf(deps, department, endpointId);
        await assertManageable(deps, call, row);
        const secret = newWebhookSecret();
        await update(row.id, "secret = ?, previous_secret = ?, previous_secret_expires_at = ?", [
          secret,
          row.secret,
          clock.now() + PREVIOUS_SECRET_TTL_MS,
        ]);
        return {
          status: 200,
          body: { endpoint: { ...toEndpoint(await reload(row.id), clock.now()), secret } },
        };
      }),

    deliveries: (
      call: Call,
      endpointId: unknown,
      query: unknown,
    ): Promise<ManageResult<{ deliveries: WebhookDelivery[] }>> =>
      manage(deps, call, async (department) => {
        const row = await endpointOf(deps, department, endpointId);
        const { status, limit } = parse(WebhookDeliveriesQuery, query);
        return {
          status: 200,
          body: { deliveries: await listDeliveries(store.sql, { endpointId: row.id, status, limit }) },
        };
      }),

    /** One delivery queued again at once, with its original webhook-id. */
    replayDelivery: (
      call: Call,
      endpointId: unknown,
      deliveryId: unknown,
    ): Promise<ManageResult<{ replayed: string[] }>> =>
      manage(deps, call, async (department) => {
        const row = await endpointOf(deps, department, endpointId);
        const id = parse(WebhookDeliveryId, deliveryId);
        const replayed = await replayDeliveries(store, clock, { endpointId: row.id, deliveryId: id });
        if (replayed.length === 0) throw new PayreqError("WEBHOOK_DELIVERY_NOT_FOUND");
        return { status: 200, body: { replayed } };
      }),

    /** Every delivery of the endpoint since a time, queued again (a receiver that lost its data, say). */
    replaySince: (
      call: Call,
      endpointId: unknown,
      input: unknown,
    ): Promise<ManageResult<{ replayed: string[] }>> =>
      manage(deps, call, async (department) => {
        const row = await endpointOf(deps, department, endpointId);
        const { since } = parse(WebhookReplayRequest, input);
        const replayed = await replayDeliveries(store, clock, {
          endpointId: row.id,
          since: Date.parse(since),
        });
        return { status: 200, body: { replayed } };
      }),
  };
};

export type WebhookApi = ReturnType<typeof createWebhookApi>;
