import type { SendPaymentRequestResponse } from "@payreq/contracts";
import type { TimelineEntry } from "../audit/audit-trail.ts";
import type { AuditEntry } from "../audit/write-audit.ts";
import { type PrepareCallArgs, runPrepareSteps, withStepTimeline } from "../embedded/prepare-call.ts";
import { createOutboxNotifier } from "../notify/outbox-notifier.ts";
import type { Channel } from "../ports.ts";
import { defineProgram } from "../store/program.ts";
import { type DeliveryOptions, deliverPrepared } from "./deliver-prepared.ts";
import { recordCallProgram } from "./record-call.ts";
import { sendResponseOf, touchedBy } from "./response.ts";
import { templatesOf } from "./template-store.ts";

export type SendInOneCommitArgs = Omit<PrepareCallArgs, "claimId"> & {
  delivery: Omit<DeliveryOptions, "mayHaveSent">;
  /** The call's audit row as far as the caller got: who, what was asked, and the steps before this program. */
  entry: Pick<AuditEntry, "meta" | "username" | "departmentUuid" | "requestBodyColumn"> & {
    timeline: TimelineEntry[];
  };
  /** A keyed call's claim: finished with the answer in the same commit. */
  claimId?: number | undefined;
};

export type SendInOneCommitResult = {
  response: SendPaymentRequestResponse;
  /** The steps this program ran, after the caller's. */
  timeline: TimelineEntry[];
  /** The channels handed to the outbox, for the delivery metrics of the caller's thread. */
  handedOver: Channel[];
};

/**
 * A whole embedded call in one transaction when its messages only go to the outbox: steps 1–3, the delivery's
 * outbox rows and results, the key's answer and the audit row commit together. Nothing leaves the process before
 * that commit, so the call needs no recovery point between the steps and delivery: a crash before it leaves
 * nothing, and a retry starts again. A call whose messages go to a provider is two transactions instead (see
 * sendPaymentRequest), so that the payment request is durable before anything is sent.
 */
export const sendInOneCommitProgram = defineProgram<SendInOneCommitArgs, SendInOneCommitResult>(
  "send-in-one-commit",
  (tx, args, context) =>
    withStepTimeline(context.clock, async (trail) => {
      const prepared = await runPrepareSteps(tx, args, context, trail);
      const { delivery, messages } = await deliverPrepared(
        {
          notifier: createOutboxNotifier(context.ids),
          templates: { forDealer: (dealerUuid) => templatesOf(tx, dealerUuid) },
          store: { sql: tx },
          deliveryTimeoutMs: undefined,
        },
        trail,
        prepared,
        { ...args.delivery, mayHaveSent: false },
      );
      const response = sendResponseOf(prepared, delivery, args.requestId);
      await recordCallProgram.run(
        tx,
        {
          entry: {
            ...args.entry,
            timeline: [...args.entry.timeline, ...trail.timeline],
            touched: touchedBy(prepared),
            status: 200,
            response,
          },
          delivery: {
            paymentRequestUuid: response.paymentRequestUuid,
            textResult: response.textSent,
            emailResult: response.emailSent,
            messages,
          },
          finish:
            args.claimId === undefined
              ? undefined
              : { id: args.claimId, response: { status: 200, body: response } },
        },
        context,
      );
      return {
        response,
        timeline: trail.timeline,
        handedOver: messages.filter((m) => m.status === "DELIVERED").map((m) => m.channel),
      };
    }),
  { grouped: true },
);
