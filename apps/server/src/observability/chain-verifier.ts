import { isStoreUnavailable, type Logger, type Store, verifyAuditChain } from "@payreq/core";
import type { ServiceMetrics } from "./service-metrics.ts";

/**
 * Verifies the audit hash chain at start and then every `intervalMs`, for the payreq_audit_chain_* gauges and an
 * error line when it is broken. A walk reads every row, so runs never overlap, and each instance on a shared
 * database walks the same chain (see docs/operations.md for several instances).
 */
export const startChainVerifier = (options: {
  store: Pick<Store, "sql">;
  intervalMs: number;
  metrics: ServiceMetrics;
  logger: Logger;
}) => {
  const { metrics, logger } = options;
  let running: Promise<void> | undefined;
  const verify = async () => {
    const started = performance.now();
    try {
      const report = await verifyAuditChain(options.store.sql);
      metrics.chainVerified(report, (performance.now() - started) / 1000);
      if (report.problem) {
        logger.error("audit chain broken", {
          seq: report.problem.seq,
          requestId: report.problem.requestId,
          kind: report.problem.kind,
        });
      }
    } catch (error) {
      metrics.chainVerifyFailed();
      logger.warn("audit chain not verified", {
        error: isStoreUnavailable(error) ? "database unavailable" : String(error),
      });
    }
  };
  const run = () => {
    running ??= verify().finally(() => {
      running = undefined;
    });
    return running;
  };
  void run();
  const timer = setInterval(run, options.intervalMs);
  timer.unref();
  return {
    /** The walk under way, or a new one; resolves when it has ended and the gauges are set. */
    verifyNow: run,
    /** Resolves when the verification under way, if any, has ended. */
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
};
