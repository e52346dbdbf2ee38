import type { AuditEntry } from "../audit/write-audit.ts";
import { type TimelineEntry, withStepTimeline } from "../domain/call.ts";
import type { Channel } from "../domain/delivery.ts";
import type { PaymentUrlSettings } from "../domain/payment-request.ts";
import { deliverPrepared } from "../notify/deliver-prepared.ts";
import { templatesOf } from "../notify/template-store.ts";
import { runSteps, stepContextOf } from "../platform/embedded/prepare-steps.ts";
import { createOutboxNotifier } from "../ports/notifier.ts";
import { defineProgram } from "../ports/store.ts";
import { type CallPlan, performCall } from "./perform-call.ts";
import { recordCallProgram } from "./record-call.ts";

export type CallInOneCommitArgs = {
  plan: CallPlan;
  paymentUrls: PaymentUrlSettings;
  /** The call's audit row as far as the caller got: who, what was asked, and the steps before this program. */
  entry: Pick<AuditEntry, "meta" | "username" | "departmentUuid" | "requestBodyColumn"> & {
    timeline: TimelineEntry[];
  };
  /** A keyed call's claim: finished with the answer in the same commit. */
  claimId?: number | undefined;
};

export type CallInOneCommitResult = {
  answer: unknown;
  /** The steps this program ran, after the caller's. */
  timeline: TimelineEntry[];
  /** The channels handed to the outbox, for the delivery metrics of the caller's thread. */
  handedOver: Channel[];
};

/**
 * A whole embedded call in one transaction when its messages only go to the outbox: steps 1–3, the delivery's
 * outbox rows and results, the key's answer and the audit row commit together, in the phases of every call
 * (performCall). Nothing leaves the process before that commit, so the call needs no recovery point between the
 * steps and delivery: a crash before it leaves nothing, and a retry starts again.
 */
export const callInOneCommitProgram = defineProgram<CallInOneCommitArgs, CallInOneCommitResult>(
  "call-in-one-commit",
  (tx, args, context) =>
    withStepTimeline(context.clock, async (trail) => {
      let handedOver: Channel[] = [];
      const answer = await performCall(
        {
          prepare: async () => ({
            prepared: await runSteps(stepContextOf(tx, context), args.paymentUrls, args.plan, trail),
          }),
          deliver: (prepared) =>
            deliverPrepared(
              {
                notifier: createOutboxNotifier(context.ids),
                templates: { forDealer: (dealerUuid) => templatesOf(tx, dealerUuid) },
                store: { sql: tx },
                deliveryTimeoutMs: undefined,
              },
              trail,
              prepared,
              { ...args.plan.delivery, mayHaveSent: false },
            ),
          record: async (answer, delivery, events) => {
            handedOver = (delivery?.messages ?? [])
              .filter((m) => m.status === "DELIVERED")
              .map((m) => m.channel);
            await recordCallProgram.run(
              tx,
              {
                entry: {
                  ...args.entry,
                  timeline: [...args.entry.timeline, ...trail.timeline],
                  touched: trail.touched,
                  status: 200,
                  response: answer as AuditEntry["response"],
                },
                delivery,
                events,
                finish:
                  args.claimId === undefined
                    ? undefined
                    : {
                        id: args.claimId,
                        response: { status: 200, body: answer as Record<string, unknown> },
                      },
              },
              context,
            );
          },
        },
        args.plan,
        trail,
      );
      return { answer, timeline: trail.timeline, handedOver };
    }),
  { grouped: true },
);
