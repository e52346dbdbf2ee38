import type { BucketCounts, GroupCommitStats } from "../ports/store.ts";

export const emptyBuckets = (bounds: readonly number[]): BucketCounts => ({
  bounds,
  counts: bounds.map(() => 0),
  sum: 0,
  count: 0,
});

export const addToBuckets = (buckets: BucketCounts, value: number): void => {
  buckets.count++;
  buckets.sum += value;
  const index = buckets.bounds.findIndex((bound) => value <= bound);
  if (index >= 0) buckets.counts[index] = (buckets.counts[index] ?? 0) + 1;
};

/** Calls per group commit; a batch holds at most 100 on PostgreSQL and as many as one tick gathers on SQLite. */
export const BATCH_SIZE_BOUNDS = [1, 2, 5, 10, 20, 50, 100, 200, 500] as const;
/** Seconds for one COMMIT, fsync included. */
export const COMMIT_SECONDS_BOUNDS = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
] as const;

export const emptyGroupCommitStats = (): GroupCommitStats => ({
  batchSizes: emptyBuckets(BATCH_SIZE_BOUNDS),
  commitSeconds: emptyBuckets(COMMIT_SECONDS_BOUNDS),
});

/** One group commit of `size` calls whose COMMIT began at `startedAt` (performance.now()). */
export const recordGroupCommit = (stats: GroupCommitStats, size: number, startedAt: number): void => {
  addToBuckets(stats.batchSizes, size);
  addToBuckets(stats.commitSeconds, (performance.now() - startedAt) / 1000);
};
