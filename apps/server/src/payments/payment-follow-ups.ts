import { type Core, isStoreUnavailable, type Logger } from "@payreq/core";
import { runEvery } from "../schedule/every.ts";

/**
 * What follows card payments, inside `payreq serve`, every `intervalMs` and at start: receipts not sent yet and
 * refunds of second payments not made yet (a Stripe webhook starts both at once; this picks up what a crash or
 * an unreachable processor left). Runs with the reminders (PAYREQ_REMINDERS, PAYREQ_REMINDER_INTERVAL).
 */
export const startPaymentFollowUps = (options: {
  core: Pick<Core, "payments" | "sendReceipts">;
  intervalMs: number;
  logger: Logger;
}) => {
  const { core, logger } = options;
  const schedule = runEvery(options.intervalMs, async () => {
    try {
      const receipts = await core.sendReceipts();
      const refunded = (await core.payments?.refundDoublePayments()) ?? 0;
      if (receipts.sent + receipts.uncertain + refunded > 0)
        logger.info("payment follow-ups", { ...receipts, refunded });
    } catch (error) {
      logger.warn("payment follow-ups not done", {
        error: isStoreUnavailable(error) ? "database unavailable" : String(error),
      });
    }
  });
  return { stop: schedule.stop };
};
