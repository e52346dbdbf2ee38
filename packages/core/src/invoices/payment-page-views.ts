import { defineProgram, type ProgramRunner } from "../ports/store.ts";
import { raiseEvents } from "../webhooks/events.ts";
import type { PaymentPage } from "./find-payment-page.ts";

export type PageView = Pick<
  PaymentPage,
  "paymentRequestUuid" | "invoiceUuid" | "orderUuid" | "departmentUuid" | "dealerUuid"
>;

/**
 * The customer opened the link for the first time: the payment request records when, and payment_request.viewed
 * is raised with it. Later views change nothing (the page asks only while the link has no view recorded).
 */
export const recordPageViewProgram = defineProgram<PageView, boolean>(
  "record-page-view",
  async (tx, view, context) => {
    const now = context.clock.now();
    const { changes } = await tx.run(
      "update payment_requests set viewed_at = ? where uuid = ? and viewed_at is null",
      [now, view.paymentRequestUuid],
    );
    if (changes === 0) return false;
    await raiseEvents(
      tx,
      [
        {
          type: "payment_request.viewed",
          dealerUuid: view.dealerUuid,
          departmentUuid: view.departmentUuid,
          paymentRequestUuid: view.paymentRequestUuid,
          data: {
            paymentRequestUuid: view.paymentRequestUuid,
            invoiceUuid: view.invoiceUuid,
            orderUuid: view.orderUuid,
            viewedAt: new Date(now).toISOString(),
          },
        },
      ],
      context,
    );
    return true;
  },
);

/** Records a link's first view (the page calls it only while none is recorded). */
export const recordPageView = (run: ProgramRunner, page: PageView): Promise<boolean> =>
  run(recordPageViewProgram, {
    paymentRequestUuid: page.paymentRequestUuid,
    invoiceUuid: page.invoiceUuid,
    orderUuid: page.orderUuid,
    departmentUuid: page.departmentUuid,
    dealerUuid: page.dealerUuid,
  });
