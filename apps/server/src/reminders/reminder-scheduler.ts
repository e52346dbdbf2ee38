import { isStoreUnavailable, type Logger, type ReminderDeps, sendDueReminders } from "@payreq/core";

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
  let running: Promise<void> | undefined;
  let stopped = false;
  const tick = async () => {
    try {
      const run = await sendDueReminders(options.deps, { transport: "scheduler" });
      if (run.sent + run.skipped + run.uncertain + run.released > 0) logger.info("reminders", run);
    } catch (error) {
      logger.warn("reminders not sent", {
        error: isStoreUnavailable(error) ? "database unavailable" : String(error),
      });
    }
  };
  const run = () => {
    if (stopped) return Promise.resolve();
    running ??= tick().finally(() => {
      running = undefined;
    });
    return running;
  };
  void run();
  const timer = setInterval(run, options.intervalMs);
  timer.unref();
  return {
    runNow: run,
    /** Sends nothing more and resolves when the run under way has recorded what it sent. */
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
};
