import {
  DepartmentUuid,
  type ErrorEnvelope,
  errorItem,
  IdempotencyKey,
  Scopes,
  SendPaymentRequestBody,
  type SendPaymentRequestResponse,
  toRequestErrors,
  type WarningItem,
  warningItem,
  withoutNullFields,
} from "@payreq/contracts";
import {
  type AuditTrail,
  type CallMeta,
  type TimelineEntry,
  AuditTrail as Trail,
} from "../audit/audit-trail.ts";
import type { AuditEntry } from "../audit/write-audit.ts";
import { holdsScope, type Principal } from "../auth/principal.ts";
import { PayreqError } from "../errors.ts";
import { formatMoney } from "../money.ts";
import type { DeliveryRecord, Department, EmbeddedBackend } from "../ports.ts";
import { isStoreUnavailable } from "../store/sql.ts";
import { newUpstreamKey, upstreamKeyFor } from "../upstream/http-backend.ts";
import type { deliver } from "./deliver.ts";
import { deliverPrepared } from "./deliver-prepared.ts";
import { type Claim, fingerprintOf, type StoredResponse } from "./idempotency.ts";
import { performUpstream } from "./perform-upstream.ts";
import type { Prepared } from "./prepare.ts";
import { type CallDeps, recordCall } from "./record-call.ts";

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

const validate = (departmentUuid: unknown, input: unknown, idempotencyKey: unknown): Validated => {
  if (idempotencyKey !== undefined && !IdempotencyKey.safeParse(idempotencyKey).success) {
    throw new PayreqError("INVALID_IDEMPOTENCY_KEY");
  }
  const path = DepartmentUuid.safeParse(departmentUuid);
  if (!path.success) throw invalid(toRequestErrors(path.error, ["departmentUuid"]));
  const body = SendPaymentRequestBody.safeParse(withoutNullFields(input));
  if (!body.success) throw invalid(toRequestErrors(body.error));
  return { departmentUuid: path.data, body: body.data, key: idempotencyKey as string | undefined };
};

const responseOf = (
  prepared: Prepared,
  warnings: WarningItem[],
  delivery: Awaited<ReturnType<typeof deliver>>,
  requestId: string,
): SendPaymentRequestResponse => ({
  errors: [],
  warnings,
  paymentUrl: prepared.paymentRequest.paymentUrl,
  ...(delivery.text ? { textSent: delivery.text.result } : {}),
  ...(delivery.email ? { emailSent: delivery.email.result } : {}),
  orderUuid: prepared.order.uuid,
  invoiceUuid: prepared.invoice.uuid,
  paymentRequestUuid: prepared.paymentRequest.uuid,
  orderCreated: prepared.order.created,
  invoiceCreated: prepared.invoice.created,
  requestId,
});

const amountWarning = (
  previousAmountCents: number | undefined,
  amountCents: number,
  uuid: string,
): WarningItem[] => {
  if (previousAmountCents === undefined) return [];
  const from = formatMoney(previousAmountCents);
  const to = formatMoney(amountCents);
  return [
    warningItem("OPEN_INVOICE_AMOUNT_UPDATED", {
      message: `The open invoice's amount was updated from ${from} to ${to}`,
      description: `Invoice ${uuid} was reused and its amount changed from ${from} to ${to}; every earlier payment URL of this invoice now asks for ${to}.`,
    }),
  ];
};

const touchedBy = (prepared: Prepared) => ({
  orderNumber: prepared.order.orderNumber,
  orderUuid: prepared.order.uuid,
  orderCreated: prepared.order.created,
  invoiceUuid: prepared.invoice.uuid,
  invoiceCreated: prepared.invoice.created,
  paymentRequestUuid: prepared.paymentRequest.uuid,
  customerUuid: prepared.customer.uuid,
});

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
  const { delivery, messages } = await deliverPrepared(deps, trail, prepared, {
    sendAsText: body.sendAsText ?? false,
    sendAsEmail: body.sendAsEmail ?? false,
    description: body.description,
    attachInvoice: body.attachInvoice ?? false,
    esignRequired: body.esignInvoice ?? false,
    claim,
    mayHaveSent: resumeAt === "delivering",
  });
  const { invoice } = prepared;
  const warnings = amountWarning(invoice.previousAmountCents, invoice.amountCents, invoice.uuid);
  for (const outcome of [delivery.text, delivery.email]) if (outcome?.warning) warnings.push(outcome.warning);
  return { response: responseOf(prepared, warnings, delivery, meta.requestId), messages };
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
    const call = validate(departmentUuid, input, meta.idempotencyKey);
    // Named from the body at once, so a call refused by a step or replayed can be found by its order and customer.
    const named = { orderNumber: call.body.orderNumber, customerUuid: call.body.customerUuid };
    trail.touched = named;
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
        trail.touched = { ...named, ...touchedFromBody(response.body) };
        await recordCall(deps, { entry: entry(response.status, response.body) });
        return { ...response, timeline: trail.timeline, replayed: true } as SendResult;
      }
      held = claim;
    }
    const running = held;
    const { backend } = deps;
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
              amountWarning,
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
