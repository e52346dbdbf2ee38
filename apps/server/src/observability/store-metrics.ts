import type { Store } from "@payreq/core";
import type { Registry } from "prom-client";
import { registerStatsHistogram, scrapedCounter } from "./scraped-metrics.ts";

/** The store's write path, from its own stats: transactions, commits, and what each group commit held and took. */
export const createStoreMetrics = (registry: Registry, store: () => Pick<Store, "stats"> | undefined) => {
  scrapedCounter(
    registry,
    "payreq_store_transactions_total",
    "Write transactions run by this process (a call's writes are one or two)",
    () => store()?.stats.transactions,
  );
  scrapedCounter(
    registry,
    "payreq_store_commits_total",
    "Commits made by this process: a group commit holds many transactions",
    () => store()?.stats.commits,
  );
  registerStatsHistogram(
    registry,
    "payreq_group_commit_batch_size",
    "Transactions per group commit (each call's audit row and last writes are one)",
    () => store()?.stats.groupCommit?.batchSizes,
  );
  registerStatsHistogram(
    registry,
    "payreq_group_commit_duration_seconds",
    "Time of one group commit's COMMIT, fsync included",
    () => store()?.stats.groupCommit?.commitSeconds,
  );
};
