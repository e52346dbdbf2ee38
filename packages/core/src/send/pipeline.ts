import {
  DepartmentUuid,
  type ErrorEnvelope,
  IdempotencyKey,
  type Scope,
  toRequestErrors,
  withoutNullFields,
} from "@payreq/contracts";
import type * as z from "zod";
import { type AuditEntry, withRequestBodyColumn } from "../audit/write-audit.ts";
import { holdsScope, type Principal } from "../auth/principal.ts";
import { AuditTrail, type CallMeta, onTrail, type TimelineEntry, type Touched } from "../domain/call.ts";
import type { DeliveryRequest } from "../domain/delivery.ts";
import { PayreqError } from "../domain/errors.ts";
import type { StoredResponse } from "../domain/recovery.ts";
import { type Claim, fingerprintOf } from "../idempotency/idempotency-keys.ts";
import { deliverPrepared } from "../notify/deliver-prepared.ts";
import type { PrepareTarget } from "../ports/platform.ts";
import { isStoreUnavailable } from "../ports/store.ts";
import type { CallDeps } from "./call-deps.ts";
import { callInOneCommitProgram } from "./call-in-one-commit.ts";
import { toFailure } from "./failure.ts";
import { type CallPhases, type CallPlan, performCall } from "./perform-call.ts";
import { recordCall } from "./record-call.ts";
import { ANSWERS, type AnswerName, type AnswerOf } from "./response.ts";

/** An endpoint that sends a payment request: its body, scope and answer; everything else is the pipeline's. */
export type SendEndpoint<Body, A extends AnswerName> = {
  readonly body: z.ZodType<Body>;
  /** What a credential must hold for the department in the path. */
  readonly scope: Scope;
  readonly answer: A;
  /** What a call is found by in the audit log before any step has touched a row. */
  namesOf(body: Body): Touched;
  target(body: Body): PrepareTarget;
  delivery(body: Body): DeliveryRequest;
};

export type SendResult<T> =
  | { status: 200; body: T; timeline: TimelineEntry[]; replayed?: boolean }
  | {
      status: number;
      body: ErrorEnvelope;
      timeline: TimelineEntry[];
      retryAfterSeconds?: number | undefined;
      replayed?: boolean;
    };

type Held = Extract<Claim, { kind: "fresh" | "resume" }>;

const invalid = (errors: ErrorEnvelope["errors"]) =>
  Object.assign(new PayreqError("INVALID_REQUEST_DATA"), { errors }) as PayreqError & {
    errors: ErrorEnvelope["errors"];
  };

/**
 * The key, then the path, then the body, each refused in that order. A valid body is named (`named`) before
 * anything is refused, so that a call refused for its key or its path is found by what it asked for too.
 */
const validate = <Body>(
  endpoint: SendEndpoint<Body, AnswerName>,
  departmentUuid: unknown,
  input: unknown,
  idempotencyKey: unknown,
  named: (names: Touched) => void,
): { departmentUuid: string; body: Body; key: string | undefined } => {
  const body = endpoint.body.safeParse(withoutNullFields(input));
  if (body.success) named(endpoint.namesOf(body.data));
  if (idempotencyKey !== undefined && !IdempotencyKey.safeParse(idempotencyKey).success) {
    throw new PayreqError("INVALID_IDEMPOTENCY_KEY");
  }
  const path = DepartmentUuid.safeParse(departmentUuid);
  if (!path.success) throw invalid(toRequestErrors(path.error, ["departmentUuid"]));
  if (!body.success) throw invalid(toRequestErrors(body.error));
  return { departmentUuid: path.data, body: body.data, key: idempotencyKey as string | undefined };
};

/**
 * The commit shape: one commit on SQLite when nothing leaves the process before it (the embedded platform, a
 * notifier that only records, a call that does not resume an earlier attempt), since SQLite's one writer
 * serializes every write anyway. Otherwise two: the payment request is durable (and a keyed call marked
 * `delivering`) before anything is sent; on PostgreSQL the steps stay a transaction of their own, outside the
 * audit chain's lock, so that instances run them in parallel.
 */
const commitsOnce = (deps: CallDeps, held: Held | undefined): boolean =>
  deps.platform.kind === "embedded" &&
  deps.store.dialect === "sqlite" &&
  deps.notifier.recordsOnly === true &&
  held?.kind !== "resume";

/** Two commits: the platform's steps, then delivery by this process, then the record. */
const twoCommits = (
  deps: CallDeps,
  trail: AuditTrail,
  plan: CallPlan,
  answered: (answer: unknown) => AuditEntry,
  held: Held | undefined,
  key: { userId: number; key: string } | undefined,
): CallPhases => ({
  prepare: () =>
    deps.platform.prepare(
      {
        department: plan.department,
        requestId: plan.requestId,
        target: plan.target,
        key:
          held && key
            ? { ...key, claimId: held.id, progress: held.kind === "resume" ? held.progress : null }
            : undefined,
      },
      trail,
      async (point, progress) => {
        if (held) await deps.idempotency.markProgress(held.id, point, progress);
      },
    ),
  deliver: async (prepared) => {
    const { delivery } = plan;
    // Nothing leaves the process with a notifier that only records, so a resumed call has nothing to be unsure of:
    // it delivers. With a provider, an attempt that got as far as handing messages over is not repeated.
    const recordsOnly = deps.notifier.recordsOnly === true;
    const mayHaveSent = !recordsOnly && held?.kind === "resume" && held.recoveryPoint === "delivering";
    // Committed before any message can leave: from here on a retry never sends again.
    if (held && !recordsOnly && !mayHaveSent && (delivery.sendAsText || delivery.sendAsEmail)) {
      await deps.idempotency.markDelivering(held.id);
    }
    const delivered = await deliverPrepared(deps, trail, prepared, { ...delivery, mayHaveSent });
    for (const message of delivered.messages) {
      if (message.status === "UNCERTAIN") deps.metrics.messageUncertain(message.channel);
    }
    return delivered;
  },
  record: (answer, delivery, events) =>
    recordCall(deps, {
      entry: answered(answer),
      delivery,
      events,
      finish: held
        ? { id: held.id, response: { status: 200, body: answer as StoredResponse["body"] } }
        : undefined,
    }),
});

/** One commit: the whole call as one program on the store's thread (see call-in-one-commit.ts). */
const inOneCommit = async (
  deps: CallDeps,
  trail: AuditTrail,
  plan: CallPlan,
  entry: Pick<AuditEntry, "meta" | "username" | "departmentUuid" | "requestBody">,
  held: Held | undefined,
): Promise<unknown> => {
  const { answer, handedOver } = await onTrail(
    trail,
    deps.run(callInOneCommitProgram, {
      plan,
      paymentUrls: deps.paymentUrls,
      entry: withRequestBodyColumn({ ...entry, timeline: trail.timeline }),
      claimId: held?.id,
    }),
  );
  for (const channel of handedOver) deps.metrics.delivery(channel, "outbox", "SUCCESS");
  // The row was committed with the call's other rows.
  await deps.metrics.auditRow("SUCCESS", Promise.resolve());
  return answer;
};

/** Failures a retry may overcome: the key is released, nothing is stored. */
const isTransient = (status: number) => status >= 500 || status === 409 || status === 429;

/**
 * The one send pipeline, for every endpoint that sends a payment request: validate → scope → department → claim
 * the key → replay, or resume → prepare (the platform's steps) → mark → deliver → record → finish the key, or
 * release it after a failure a retry may overcome. One audit row whatever happens. Never throws for a refusal:
 * the result carries the status and the envelope.
 */
export const runSendPipeline = async <Body, A extends AnswerName>(
  deps: CallDeps,
  endpoint: SendEndpoint<Body, A>,
  principal: Principal,
  departmentUuid: unknown,
  input: unknown,
  meta: CallMeta,
): Promise<SendResult<AnswerOf<A>>> => {
  const trail = new AuditTrail(deps.clock);
  const who = {
    meta,
    username: principal.username,
    departmentUuid: typeof departmentUuid === "string" ? departmentUuid : undefined,
    requestBody: input,
  };
  /** The call's audit row as it stands: who, what was asked, the steps so far and what they touched. */
  const entry = (status: number, response: AuditEntry["response"]): AuditEntry => ({
    ...who,
    timeline: trail.timeline,
    touched: trail.touched,
    status,
    response,
  });
  let held: Held | undefined;
  try {
    const call = validate(endpoint, departmentUuid, input, meta.idempotencyKey, (names) => {
      trail.touched = names;
    });
    if (!holdsScope(principal, endpoint.scope, call.departmentUuid)) {
      throw new PayreqError("INVALID_SCOPE_DEPARTMENT", {
        description: `The credential does not hold ${endpoint.scope} for this department.`,
      });
    }
    const department = await trail.step("department", () => deps.platform.getDepartment(call.departmentUuid));
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
        trail.touched = {
          ...endpoint.namesOf(call.body),
          ...ANSWERS[endpoint.answer].touched(response.body),
        };
        await recordCall(deps, { entry: entry(response.status, response.body) });
        return { ...response, timeline: trail.timeline, replayed: true } as SendResult<AnswerOf<A>>;
      }
      held = claim;
      if (claim.kind === "resume") {
        trail.note("resume", "ok", `from ${claim.recoveryPoint} of request ${claim.firstRequestId}`);
      }
    }
    const plan: CallPlan = {
      department,
      requestId: meta.requestId,
      target: endpoint.target(call.body),
      delivery: endpoint.delivery(call.body),
      answer: endpoint.answer,
    };
    const key = call.key === undefined ? undefined : { userId: principal.userId, key: call.key };
    const answer = commitsOnce(deps, held)
      ? await inOneCommit(deps, trail, plan, who, held)
      : await performCall(
          twoCommits(deps, trail, plan, (body) => entry(200, body as AuditEntry["response"]), held, key),
          plan,
          trail,
        );
    return { status: 200, body: answer as AnswerOf<A>, timeline: trail.timeline };
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
