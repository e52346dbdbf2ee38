import {
  type Core,
  createWebhookDispatcher,
  expireLinks,
  isStoreUnavailable,
  type Logger,
} from "@payreq/core";
import { runEvery } from "../schedule/every.ts";

/** How often an idle dispatcher looks for new events and due deliveries. */
const IDLE_INTERVAL_MS = 500;

/**
 * The webhook dispatcher inside `payreq serve`: each turn notices the links that expired, fans new events out
 * and starts the attempts that are due; a turn that found work is followed by another at once. Several instances
 * share the work (each claim is one instance's). `stop` starts nothing more and waits for the attempts under way.
 */
export const startWebhookScheduler = (options: {
  core: Pick<Core, "deps" | "webhookSender">;
  retryScheduleMs: readonly number[];
  timeoutMs: number;
  logger: Logger;
}) => {
  const { core, logger } = options;
  const { deps } = core;
  const dispatcher = createWebhookDispatcher(
    { ...deps, sender: core.webhookSender },
    { scheduleMs: options.retryScheduleMs, timeoutMs: options.timeoutMs, concurrency: 32, perEndpoint: 3 },
  );
  let stopped = false;
  const turn = async () => {
    try {
      await expireLinks(deps.run);
      for (;;) {
        const { fannedOut, claimed, room } = await dispatcher.runOnce();
        if (stopped) return;
        // Full: more may be due as soon as an attempt ends. Fanned out: its deliveries are due now.
        if (room === 0 || (claimed > 0 && claimed === room)) await dispatcher.roomFreed();
        else if (fannedOut === 0) return;
      }
    } catch (error) {
      logger.warn("webhooks not dispatched", {
        error: isStoreUnavailable(error) ? "database unavailable" : String(error),
      });
    }
  };
  const schedule = runEvery(IDLE_INTERVAL_MS, turn);
  return {
    dispatcher,
    /** A turn now (one under way is joined): events were just raised. */
    runNow: schedule.runNow,
    async stop() {
      stopped = true;
      await schedule.stop();
      await dispatcher.idle();
    },
  };
};
