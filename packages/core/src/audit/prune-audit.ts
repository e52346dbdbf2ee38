import type { PayreqDatabase } from "../db/open-database.ts";
import type { Clock } from "../ids.ts";

export type PruneResult = { rowsRemoved: number; firstSeq: number | null };

/**
 * Removes the rows recorded before `before` in one transaction and records where the chain now starts, so
 * verification still passes. The delete trigger lets deletes through only while this runs.
 */
export const pruneAuditLog = async (
  database: PayreqDatabase,
  before: number,
  clock: Clock,
): Promise<PruneResult> =>
  database.writes.run(() => {
    const { sqlite } = database;
    const last = sqlite
      .prepare("select seq, row_hash from audit_log where recorded_at < ? order by seq desc limit 1")
      .get(before) as { seq: number; row_hash: string } | undefined;
    if (!last) return { rowsRemoved: 0, firstSeq: null };
    sqlite.prepare("update audit_pruning set active = 1 where id = 1").run();
    const removed = sqlite.prepare("delete from audit_log where seq <= ?").run(last.seq).changes;
    sqlite.prepare("update audit_pruning set active = 0 where id = 1").run();
    sqlite
      .prepare(
        "insert into audit_chain_anchors (first_seq, prev_hash, pruned_before, rows_removed, created_at) values (?, ?, ?, ?, ?)",
      )
      .run(last.seq + 1, last.row_hash, before, removed, clock.now());
    return { rowsRemoved: removed, firstSeq: last.seq + 1 };
  });
