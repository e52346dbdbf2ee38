import type { BucketCounts, StoreStats } from "../../ports/store.ts";
import { BATCH_SIZE_BOUNDS, COMMIT_SECONDS_BOUNDS, emptyGroupCommitStats } from "../commit-stats.ts";

/**
 * The SQLite worker's stats in memory both threads share: the worker writes them as it answers, the main thread
 * reads them when asked (a scrape, a test), and no message carries them. A reader may see one counter a batch
 * ahead of another, which is fine for figures that only ever grow.
 */
const bucketsLength = (bounds: readonly number[]) => bounds.length + 2;
const LENGTH = 3 + bucketsLength(BATCH_SIZE_BOUNDS) + bucketsLength(COMMIT_SECONDS_BOUNDS);

export const createSharedStats = (): SharedArrayBuffer =>
  new SharedArrayBuffer(LENGTH * Float64Array.BYTES_PER_ELEMENT);

const writeBuckets = (view: Float64Array, at: number, buckets: BucketCounts): number => {
  view.set(buckets.counts, at);
  let next = at + buckets.counts.length;
  view[next++] = buckets.sum;
  view[next++] = buckets.count;
  return next;
};

const readBuckets = (view: Float64Array, at: number, buckets: BucketCounts): number => {
  for (let i = 0; i < buckets.counts.length; i++) buckets.counts[i] = view[at + i] ?? 0;
  let next = at + buckets.counts.length;
  buckets.sum = view[next++] ?? 0;
  buckets.count = view[next++] ?? 0;
  return next;
};

export const writeSharedStats = (buffer: SharedArrayBuffer, stats: StoreStats): void => {
  const view = new Float64Array(buffer);
  view[0] = stats.transactions;
  view[1] = stats.commits;
  view[2] = stats.syncs ?? 0;
  if (!stats.groupCommit) return;
  const next = writeBuckets(view, 3, stats.groupCommit.batchSizes);
  writeBuckets(view, next, stats.groupCommit.commitSeconds);
};

export const readSharedStats = (buffer: SharedArrayBuffer): StoreStats => {
  const view = new Float64Array(buffer);
  const groupCommit = emptyGroupCommitStats();
  const next = readBuckets(view, 3, groupCommit.batchSizes);
  readBuckets(view, next, groupCommit.commitSeconds);
  return { transactions: view[0] ?? 0, commits: view[1] ?? 0, syncs: view[2] ?? 0, groupCommit };
};
