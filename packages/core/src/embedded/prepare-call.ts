import type { SendPaymentRequestBody } from "@payreq/contracts";
import { AuditTrail, type TimelineEntry } from "../audit/audit-trail.ts";
import type { Department } from "../ports.ts";
import { markPrepared } from "../send/idempotency.ts";
import { type Prepared, prepareSteps } from "../send/prepare.ts";
import { dialectOf } from "../store/dialect.ts";
import { defineProgram, type ProgramContext } from "../store/program.ts";
import type { Sql } from "../store/sql.ts";
import { createPaymentRequest, type PaymentUrlSettings } from "./create-payment-request.ts";
import { ensureOpenInvoice } from "./ensure-open-invoice.ts";
import { resolveOrder, type StepContext } from "./resolve-order.ts";

export type PrepareCallArgs = {
  department: Department;
  body: SendPaymentRequestBody;
  requestId: string;
  paymentUrls: PaymentUrlSettings;
  /** A keyed call's claim: its recovery point moves to `prepared` in the same transaction. */
  claimId?: number | undefined;
};

export type PrepareCallResult = { prepared: Prepared; timeline: TimelineEntry[] };

/** A step's refusal with the timeline up to it, so the call's audit row shows which step refused and how. */
export type StepFailure = Error & { timeline?: TimelineEntry[] };

/** Steps 1–3 inside the caller's transaction, each timed on `trail`. */
export const runPrepareSteps = (
  tx: Sql,
  args: Omit<PrepareCallArgs, "claimId">,
  { clock, ids, store }: ProgramContext,
  trail: AuditTrail,
): Promise<Prepared> => {
  const context: StepContext = { tx, clock, ids, forUpdate: dialectOf(store.dialect).forUpdate };
  return prepareSteps(
    {
      resolveOrder: (request) => resolveOrder(context, request),
      ensureOpenInvoice: (order, fields) => ensureOpenInvoice(context, order, fields),
      createPaymentRequest: (input) => createPaymentRequest(context, args.paymentUrls, input),
    },
    trail,
    args,
  );
};

/** Runs `work` with a trail of its own; a failure carries the steps timed so far (see StepFailure). */
export const withStepTimeline = async <T>(
  clock: ProgramContext["clock"],
  work: (trail: AuditTrail) => Promise<T>,
): Promise<T> => {
  const trail = new AuditTrail(clock);
  try {
    return await work(trail);
  } catch (error) {
    if (error instanceof Error) (error as StepFailure).timeline = trail.timeline;
    throw error;
  }
};

/** Steps 1–3 of a call in one transaction, each timed; a keyed call's recovery point moves with them. */
export const prepareCallProgram = defineProgram<PrepareCallArgs, PrepareCallResult>(
  "prepare-call",
  (tx, args, context) =>
    withStepTimeline(context.clock, async (trail) => {
      const prepared = await runPrepareSteps(tx, args, context, trail);
      if (args.claimId !== undefined) await markPrepared(tx, args.claimId, prepared, context.clock);
      return { prepared, timeline: trail.timeline };
    }),
);
