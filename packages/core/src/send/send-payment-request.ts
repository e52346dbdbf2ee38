import {
  DepartmentUuid,
  type ErrorEnvelope,
  errorItem,
  IdempotencyKey,
  Scopes,
  SendPaymentRequestBody,
  type SendPaymentRequestResponse,
  toRequestErrors,
  withoutNullFields,
} from "@payreq/contracts";
import {
  type AuditTrail,
  type CallMeta,
  type TimelineEntry,
  AuditTrail as Trail,
} from "../audit/audit-trail.ts";
import { type AuditEntry, withRequestBodyColumn } from "../audit/write-audit.ts";
import { holdsScope, type Principal } from "../auth/principal.ts";
import { PayreqError } from "../errors.ts";
import type { DeliveryRecord, Department, EmbeddedBackend } from "../ports.ts";
import { isStoreUnavailable } from "../store/sql.ts";
import { newUpstreamKey, upstreamKeyFor } from "../upstream/http-backend.ts";
import { deliverPrepared, markBeforeSending } from "./deliver-prepared.ts";
import { type Claim, fingerprintOf, type StoredResponse } from "./idempotency.ts";
import { performUpstream } from "./perform-upstream.ts";
import { type CallDeps, recordCall } from "./record-call.ts";
import { sendResponseOf, touchedBy } from "./response.ts";
import type { SendInOneCommitArgs } from "./send-in-one-commit.ts";

export type SendResult =
  | { status: 200; body: SendPaymentRequestResponse; timeline: TimelineEntry[]; replayed?: boolean }
  | {
      status: number;
      body: ErrorEnvelope;
      timeline: TimelineEntry[];
      retryAfterSeconds?: number | undefined;
      replayed?: boolean;
    };

type Validated = { departmentUuid: string; body: SendPaymentRequestBody; key: string | undefined };

const invalid = (errors: ErrorEnvelope["errors"]) =>
  Object.assign(new PayreqError("INVALID_REQUEST_DATA"), { errors }) as PayreqError & {
    errors: ErrorEnvelope["errors"];
  };

/** What a call is found by in the audit log before any step has touched a row. */
const namesOf = (body: SendPaymentRequestBody) => ({
  orderNumber: body.orderNumber,
  customerUuid: body.customerUuid,
});

/**
 * The key, then the path, then the body, each refused in that order. A valid body is handed to `named` before
 * anything is refused, so that a call refused for its key or its path is found by its order and customer too.
 */
const validate = (
  departmentUuid: unknown,
  input: unknown,
  idempotencyKey: unknown,
  named: (body: SendPaymentRequestBody) => void,
): Validated => {
  const body = SendPaymentRequestBody.safeParse(withoutNullFields(input));
  if (body.success) named(body.data);
  if (idempotencyKey !== undefined && !IdempotencyKey.safeParse(idempotencyKey).success) {
    throw new PayreqError("INVALID_IDEMPOTENCY_KEY");
  }
  const path = DepartmentUuid.safeParse(departmentUuid);
  if (!path.success) throw invalid(toRequestErrors(path.error, ["departmentUuid"]));
  if (!body.success) throw invalid(toRequestErrors(body.error));
  return { departmentUuid: path.data, body: body.data, key: idempotencyKey as string | undefined };
};

/** The call after validation and the key's claim: resumes from the claim's recovery point. */
const perform = async (
  deps: CallDeps & { backend: EmbeddedBackend },
  trail: AuditTrail,
  call: Validated & { department: Department },
  meta: CallMeta,
  claim: Extract<Claim, { kind: "fresh" | "resume" }> | undefined,
): Promise<{ response: SendPaymentRequestResponse; messages: DeliveryRecord[] }> => {
  const { backend } = deps;
  const { body } = call;
  const resumeAt = claim?.kind === "resume" ? claim.recoveryPoint : "started";
  let prepared = claim?.kind === "resume" ? claim.prepared : null;

  if (!prepared) {
    prepared = await backend.prepare(
      { department: call.department, body, requestId: meta.requestId },
      trail,
      claim?.id,
    );
  } else {
    trail.note(
      "resume",
      "ok",
      `from ${resumeAt} of request ${claim?.kind === "resume" ? claim.firstRequestId : ""}`,
    );
  }
  trail.touched = touchedBy(prepared);
  const options = { ...deliveryOptionsOf(body), mayHaveSent: resumeAt === "delivering" };
  await markBeforeSending(deps.idempotency, claim, options);
  const { delivery, messages } = await deliverPrepared(deps, trail, prepared, options);
  return { response: sendResponseOf(prepared, delivery, meta.requestId), messages };
};

const deliveryOptionsOf = (body: SendPaymentRequestBody) => ({
  sendAsText: body.sendAsText ?? false,
  sendAsEmail: body.sendAsEmail ?? false,
  description: body.description,
  attachInvoice: body.attachInvoice ?? false,
  esignRequired: body.esignInvoice ?? false,
});

/**
 * The whole call in one commit (see send-in-one-commit.ts): on SQLite, whose one writer serializes every write
 * anyway, when the messages only go to the outbox and the call does not resume an earlier attempt. On PostgreSQL
 * the steps stay a transaction of their own, outside the audit chain's lock, so that instances run them in
 * parallel.
 */
const commitsOnce = (
  deps: CallDeps,
  claim: Extract<Claim, { kind: "fresh" | "resume" }> | undefined,
): boolean =>
  deps.store.dialect === "sqlite" && deps.notifier.recordsOnly === true && claim?.kind !== "resume";

const performInOneCommit = async (
  deps: CallDeps & { backend: EmbeddedBackend },
  trail: AuditTrail,
  call: Validated & { department: Department },
  entry: SendInOneCommitArgs["entry"],
  claim: Extract<Claim, { kind: "fresh" | "resume" }> | undefined,
): Promise<SendPaymentRequestResponse> => {
  const { response, handedOver } = await deps.backend.sendInOneCommit(
    {
      department: call.department,
      body: call.body,
      requestId: entry.meta.requestId,
      delivery: deliveryOptionsOf(call.body),
      entry,
      claimId: claim?.id,
    },
    trail,
  );
  for (const channel of handedOver) deps.metrics.delivery(channel, "outbox", "SUCCESS");
  // The row was committed with the call's other rows.
  await deps.metrics.auditRow("SUCCESS", Promise.resolve());
  return response;
};

/** Failures a retry may overcome: the key is released, nothing is stored. */
const isTransient = (status: number) => status >= 500 || status === 409 || status === 429;

/**
 * Send Payment Request: validates the call, checks the scope and the department, claims the idempotency key,
 * performs the three steps and the delivery (resuming a claimed key from its recovery point), and writes one
 * audit row whatever happens. Never throws for a refusal: the result carries the status and the published body.
 */
export const sendPaymentRequest = async (
  deps: CallDeps,
  principal: Principal,
  departmentUuid: unknown,
  input: unknown,
  meta: CallMeta,
): Promise<SendResult> => {
  const trail = new Trail(deps.clock);
  /** The call's audit row as it stands: who, what was asked, the steps so far and what they touched. */
  const entry = (status: number, response: AuditEntry["response"]): AuditEntry => ({
    meta,
    username: principal.username,
    departmentUuid: typeof departmentUuid === "string" ? departmentUuid : undefined,
    requestBody: input,
    timeline: trail.timeline,
    touched: trail.touched,
    status,
    response,
  });
  let held: Extract<Claim, { kind: "fresh" | "resume" }> | undefined;
  try {
    // Named from the body at once, so a call refused by a step or replayed can be found by its order and customer.
    const call = validate(departmentUuid, input, meta.idempotencyKey, (body) => {
      trail.touched = namesOf(body);
    });
    if (!holdsScope(principal, Scopes.sendPaymentRequest, call.departmentUuid)) {
      throw new PayreqError("INVALID_SCOPE_DEPARTMENT", {
        description: `The credential does not hold ${Scopes.sendPaymentRequest} for this department.`,
      });
    }
    const department = await trail.step("department", () => deps.backend.getDepartment(call.departmentUuid));
    if (!department) throw new PayreqError("INVALID_DEPARTMENT_TOKEN");
    if (call.key !== undefined) {
      const claim = await deps.idempotency.claim({
        userId: principal.userId,
        key: call.key,
        fingerprint: fingerprintOf(call.departmentUuid, call.body),
        departmentUuid: call.departmentUuid,
        requestId: meta.requestId,
      });
      if (claim.kind === "replay") {
        const { response, firstRequestId } = claim;
        trail.note("replay", "ok", `stored response of request ${firstRequestId}`);
        trail.touched = { ...namesOf(call.body), ...touchedFromBody(response.body) };
        await recordCall(deps, { entry: entry(response.status, response.body) });
        return { ...response, timeline: trail.timeline, replayed: true } as SendResult;
      }
      held = claim;
    }
    const running = held;
    const { backend } = deps;
    if (backend.kind === "embedded" && commitsOnce(deps, running)) {
      const response = await performInOneCommit(
        { ...deps, backend },
        trail,
        { ...call, department },
        withRequestBodyColumn({
          meta,
          username: principal.username,
          departmentUuid: call.departmentUuid,
          requestBody: input,
          timeline: trail.timeline,
        }),
        running,
      );
      return { status: 200, body: response, timeline: trail.timeline };
    }
    const { response, messages } =
      backend.kind === "upstream"
        ? {
            response: await performUpstream(
              deps,
              backend,
              trail,
              {
                department,
                body: call.body,
                upstreamKey:
                  call.key === undefined ? newUpstreamKey() : upstreamKeyFor(principal.userId, call.key),
              },
              meta.requestId,
              running,
            ),
            messages: [],
          }
        : await perform({ ...deps, backend }, trail, { ...call, department }, meta, running);
    await recordCall(deps, {
      entry: entry(200, response),
      // The platform records its own deliveries in upstream mode.
      delivery:
        backend.kind === "embedded"
          ? {
              paymentRequestUuid: response.paymentRequestUuid,
              textResult: response.textSent,
              emailResult: response.emailSent,
              messages,
            }
          : undefined,
      finish: running ? { id: running.id, response: { status: 200, body: response } } : undefined,
    });
    return { status: 200, body: response, timeline: trail.timeline };
  } catch (error) {
    const failure = toFailure(deps, error, meta);
    const stored: StoredResponse = { status: failure.status, body: failure.envelope };
    if (held && isTransient(failure.status)) await deps.idempotency.release(held.id).catch(() => undefined);
    try {
      await recordCall(deps, {
        entry: entry(failure.status, failure.envelope),
        finish: held && !isTransient(failure.status) ? { id: held.id, response: stored } : undefined,
      });
    } catch (recording) {
      // The refusal is still the answer; without a database there is nowhere to write its row, so say so in the log.
      deps.logger.error("audit row not written", {
        requestId: meta.requestId,
        status: failure.status,
        error: isStoreUnavailable(recording) ? "database unavailable" : String(recording),
      });
    }
    return {
      status: failure.status,
      body: failure.envelope,
      timeline: trail.timeline,
      retryAfterSeconds: failure.retryAfterSeconds,
    };
  }
};

const touchedFromBody = (body: StoredResponse["body"]) =>
  "paymentRequestUuid" in body
    ? {
        orderUuid: body.orderUuid,
        orderCreated: body.orderCreated,
        invoiceUuid: body.invoiceUuid,
        invoiceCreated: body.invoiceCreated,
        paymentRequestUuid: body.paymentRequestUuid,
      }
    : {};

/** How long a caller should wait when the database is unreachable: a restart or failover takes seconds. */
export const STORE_RETRY_AFTER_SECONDS = 5;

const isBusy = (error: unknown) => String((error as { code?: unknown }).code ?? "").startsWith("SQLITE_BUSY");

/** Maps any failure to a status and the envelope; unexpected ones are logged and never leak their message. */
export const toFailure = (
  deps: Pick<CallDeps, "logger">,
  error: unknown,
  meta: CallMeta,
): { status: number; envelope: ErrorEnvelope; retryAfterSeconds?: number | undefined } => {
  if (error instanceof PayreqError) {
    const errors = (error as PayreqError & { errors?: ErrorEnvelope["errors"] }).errors ?? [error.item];
    return {
      status: error.status,
      envelope: { errors, warnings: [] },
      retryAfterSeconds: error.retryAfterSeconds,
    };
  }
  if (isBusy(error)) {
    deps.logger.warn("database busy", { requestId: meta.requestId });
    return {
      status: 503,
      envelope: { errors: [errorItem("SERVICE_BUSY")], warnings: [] },
      retryAfterSeconds: 1,
    };
  }
  if (isStoreUnavailable(error)) {
    deps.logger.warn("database unavailable", { requestId: meta.requestId });
    return {
      status: 503,
      envelope: { errors: [errorItem("STORE_UNAVAILABLE")], warnings: [] },
      retryAfterSeconds: STORE_RETRY_AFTER_SECONDS,
    };
  }
  deps.logger.error("unexpected error", {
    requestId: meta.requestId,
    error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
  });
  return { status: 500, envelope: { errors: [errorItem("INTERNAL_SERVER_EXCEPTION")], warnings: [] } };
};
