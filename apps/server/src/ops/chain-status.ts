import type { ChainReport } from "@payreq/core";
import type { OpsData } from "./ops-data.ts";

export type ChainCheck = { report: ChainReport; checkedAt: number };

/**
 * The audit chain's last verification. Verifying reads every row, so the overview shows the last result with
 * its time and verifies only when asked; concurrent requests share one walk.
 */
export const createChainStatus = (data: OpsData, now: () => number) => {
  let last: ChainCheck | undefined;
  let running: Promise<ChainCheck> | undefined;
  return {
    last: () => last,
    verify(): Promise<ChainCheck> {
      running ??= data
        .verifyChain()
        .then((report) => {
          last = { report, checkedAt: now() };
          return last;
        })
        .finally(() => {
          running = undefined;
        });
      return running;
    },
  };
};

export type ChainStatus = ReturnType<typeof createChainStatus>;
