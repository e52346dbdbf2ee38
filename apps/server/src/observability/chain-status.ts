import { type ChainReport, type Store, verifyAuditChain } from "@payreq/core";
import type { ServiceMetrics } from "./service-metrics.ts";

export type ChainCheck = { report: ChainReport; checkedAt: number };

/**
 * The audit chain's last verification, whoever asked for it (serve's periodic verifier, the console's "Verify
 * now"): the console's overview and the payreq_audit_chain_* gauges show the same one. A walk reads every row, so
 * concurrent requests share one.
 */
export const createChainStatus = (deps: {
  store: Pick<Store, "sql">;
  metrics: Pick<ServiceMetrics, "chainVerified" | "chainVerifyFailed">;
  now: () => number;
}) => {
  let last: ChainCheck | undefined;
  let running: Promise<ChainCheck> | undefined;
  const walk = async (): Promise<ChainCheck> => {
    const started = performance.now();
    let report: ChainReport;
    try {
      report = await verifyAuditChain(deps.store.sql);
    } catch (error) {
      deps.metrics.chainVerifyFailed();
      throw error;
    }
    deps.metrics.chainVerified(report, (performance.now() - started) / 1000);
    last = { report, checkedAt: deps.now() };
    return last;
  };
  return {
    last: () => last,
    /** The walk under way, or a new one; resolves with its result once the gauges are set. */
    verify(): Promise<ChainCheck> {
      running ??= walk().finally(() => {
        running = undefined;
      });
      return running;
    },
  };
};

export type ChainStatus = ReturnType<typeof createChainStatus>;
