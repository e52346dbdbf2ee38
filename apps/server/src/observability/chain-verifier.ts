import { isStoreUnavailable, type Logger } from "@payreq/core";
import { runEvery } from "../schedule/every.ts";
import type { ChainStatus } from "./chain-status.ts";

/**
 * Verifies the audit hash chain at start and then every `intervalMs`, through the chain status the console shows
 * (which sets the payreq_audit_chain_* gauges), with an error line when it is broken. Each instance on a shared
 * database walks the same chain (see docs/operations.md for several instances).
 */
export const startChainVerifier = (options: { chain: ChainStatus; intervalMs: number; logger: Logger }) => {
  const { chain, logger } = options;
  const schedule = runEvery(options.intervalMs, async () => {
    try {
      const { report } = await chain.verify();
      if (report.problem) {
        logger.error("audit chain broken", {
          seq: report.problem.seq,
          requestId: report.problem.requestId,
          kind: report.problem.kind,
        });
      }
    } catch (error) {
      logger.warn("audit chain not verified", {
        error: isStoreUnavailable(error) ? "database unavailable" : String(error),
      });
    }
  });
  return {
    /** The walk under way, or a new one; resolves when it has ended and the gauges are set. */
    verifyNow: schedule.runNow,
    /** Resolves when the verification under way, if any, has ended. */
    stop: schedule.stop,
  };
};
