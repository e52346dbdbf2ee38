import type { AuditTrail } from "../domain/call.ts";
import type { Department } from "../domain/dealer.ts";
import type { DeliveryOutcome, DeliveryRecord, DeliveryRequest } from "../domain/delivery.ts";
import type { Prepared } from "../domain/payment-request.ts";
import type { DeliveryRows } from "../notify/record-delivery.ts";
import type { PrepareResult, PrepareTarget } from "../ports/platform.ts";
import { paymentRequestCreated, scopeOf } from "../webhooks/event-data.ts";
import type { RecordCallArgs } from "./record-call.ts";
import { ANSWERS, type AnswerName, touchedBy } from "./response.ts";

/** What a call does once its key is claimed: plain data, so that a program on the store's thread can do it too. */
export type CallPlan = {
  department: Department;
  requestId: string;
  target: PrepareTarget;
  delivery: DeliveryRequest;
  answer: AnswerName;
};

/** The call's phases; where each one commits is the commit shape's (see pipeline.ts). */
export type CallPhases = {
  /** Steps 1–3 (or what a keyed call's earlier attempt made of them). */
  prepare(): Promise<PrepareResult>;
  /** Step 4, by the service: marks a keyed call `delivering` first where a message may leave the process. */
  deliver(prepared: Prepared): Promise<{ delivery: DeliveryOutcome; messages: DeliveryRecord[] }>;
  /** The audit row, the delivery's record, the call's events and a keyed call's finished answer, in one commit. */
  record(
    answer: unknown,
    delivery: DeliveryRows | undefined,
    events: RecordCallArgs["events"],
  ): Promise<void>;
};

/**
 * A call after its key's claim, in order: prepare, deliver (unless the platform delivered), answer, record. The
 * rules of the order live here once; the phases say where each commits.
 */
export const performCall = async (
  phases: CallPhases,
  plan: CallPlan,
  trail: AuditTrail,
): Promise<unknown> => {
  const { prepared, delivered } = await phases.prepare();
  trail.touched = touchedBy(prepared);
  // A platform that delivered the request itself also recorded its messages.
  const local = delivered ? undefined : await phases.deliver(prepared);
  const delivery = delivered ?? local?.delivery ?? {};
  const answer = ANSWERS[plan.answer].of(prepared, delivery, plan.requestId);
  const results = { textSent: delivery.text?.result, emailSent: delivery.email?.result };
  // A platform that delivered also raises its own events, where its rows are.
  await phases.record(
    answer,
    local && {
      paymentRequestUuid: prepared.paymentRequest.uuid,
      textResult: results.textSent,
      emailResult: results.emailSent,
      messages: local.messages,
    },
    local && {
      created: paymentRequestCreated(prepared, results, plan.requestId),
      scope: scopeOf(prepared, plan.requestId),
    },
  );
  return answer;
};
