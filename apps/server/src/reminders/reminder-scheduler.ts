import { isStoreUnavailable, type Logger, type ReminderDeps, sendDueReminders } from "@payreq/core";
import { runEvery } from "../schedule/every.ts";

/**
 * Sends the reminders that are due every `intervalMs`, inside `payreq serve`. Runs never overlap on one
 * instance; several instances may run at once, each reminder is claimed by one of them (see send-due-reminders).
 */
export const startReminderScheduler = (options: {
  deps: ReminderDeps;
  intervalMs: number;
  logger: Logger;
}) => {
  const { logger } = options;
  const schedule = runEvery(options.intervalMs, async () => {
    try {
      const run = await sendDueReminders(options.deps, { transport: "scheduler" });
      if (run.sent + run.skipped + run.uncertain + run.released > 0) logger.info("reminders", run);
    } catch (error) {
      logger.warn("reminders not sent", {
        error: isStoreUnavailable(error) ? "database unavailable" : String(error),
      });
    }
  });
  return {
    /** Sends nothing more and resolves when the run under way has recorded what it sent. */
    stop: schedule.stop,
  };
};
