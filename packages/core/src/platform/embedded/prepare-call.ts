import { type TimelineEntry, withStepTimeline } from "../../domain/call.ts";
import type { PaymentUrlSettings, Prepared } from "../../domain/payment-request.ts";
import { markPrepared } from "../../idempotency/idempotency-keys.ts";
import { defineProgram } from "../../ports/store.ts";
import { runSteps, type StepsInput, stepContextOf } from "./prepare-steps.ts";

export type PrepareCallArgs = StepsInput & {
  paymentUrls: PaymentUrlSettings;
  /** A keyed call's claim: its recovery point moves to `prepared` in the same transaction. */
  claimId?: number | undefined;
};

export type PrepareCallResult = { prepared: Prepared; timeline: TimelineEntry[] };

/** The embedded steps of a call in one transaction, each timed; a keyed call's recovery point moves with them. */
export const prepareCallProgram = defineProgram<PrepareCallArgs, PrepareCallResult>(
  "prepare-call",
  (tx, args, context) =>
    withStepTimeline(context.clock, async (trail) => {
      const prepared = await runSteps(stepContextOf(tx, context), args.paymentUrls, args, trail);
      if (args.claimId !== undefined) await markPrepared(tx, args.claimId, prepared, context.clock);
      return { prepared, timeline: trail.timeline };
    }),
);
