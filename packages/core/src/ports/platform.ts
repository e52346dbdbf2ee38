import type { SendPaymentRequestBody } from "@payreq/contracts";
import type { AuditTrail } from "../domain/call.ts";
import type { Department } from "../domain/dealer.ts";
import type { DeliveryOutcome } from "../domain/delivery.ts";
import type { PaymentRequestFlags, Prepared } from "../domain/payment-request.ts";

/**
 * What steps 1–3 make: the order from the call's order fields, then its open invoice, then the payment request;
 * or step 3 alone, for an open invoice of the department (the v4 payment request endpoint).
 */
export type PrepareTarget =
  | { kind: "order"; body: SendPaymentRequestBody }
  | { kind: "invoice"; invoiceUuid: string; flags: PaymentRequestFlags };

export type PrepareInput = {
  department: Department;
  requestId: string;
  target: PrepareTarget;
  /**
   * A keyed call: who holds the key, its claim, and what an earlier attempt with it made (null when nothing was
   * committed yet).
   */
  key?: { userId: number; key: string; claimId: number; progress: unknown } | undefined;
};

/** Commits a keyed call's recovery point with what the steps made so far, before the next step starts. */
export type Checkpoint = (point: "order" | "invoice", progress: unknown) => Promise<void>;

export type PrepareResult = {
  prepared: Prepared;
  /** Set by a platform whose payment request step delivers it too (upstream); it records its own messages. */
  delivered?: DeliveryOutcome | undefined;
};

/** The payments platform: where the orders, invoices and payment requests are, and where steps 1–3 run. */
export type PaymentsPlatform = {
  /** `embedded`: the service's own store; `upstream`: a platform's v4 endpoints over HTTP. */
  readonly kind: "embedded" | "upstream";
  getDepartment(departmentUuid: string): Promise<Department | undefined>;
  /**
   * Steps 1–3 of a call, timed on `trail`, resuming from what a keyed call's earlier attempt made. The embedded
   * platform runs them in one transaction that also moves the key to `prepared`; an upstream platform commits a
   * `checkpoint` after each step, and its payment request step also delivers the request.
   */
  prepare(input: PrepareInput, trail: AuditTrail, checkpoint: Checkpoint): Promise<PrepareResult>;
};
