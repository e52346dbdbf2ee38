import type { Clock } from "../ports/clock.ts";
import type { Store } from "../ports/store.ts";

export type PruneResult = { rowsRemoved: number; firstSeq: number | null };

/**
 * Removes the rows recorded before `before` in one transaction and records where the chain now starts, so
 * verification still passes. The delete trigger lets deletes through only while this runs; the chain lock keeps
 * appends out until it commits.
 */
export const pruneAuditLog = (store: Store, before: number, clock: Clock): Promise<PruneResult> =>
  store.transaction(async (tx) => {
    await store.lockAuditChain(tx);
    const last = await tx.get<{ seq: number; rowHash: string }>(
      `select seq, row_hash as "rowHash" from audit_log where recorded_at < ? order by seq desc limit 1`,
      [before],
    );
    if (!last) return { rowsRemoved: 0, firstSeq: null };
    await tx.run("update audit_pruning set active = 1 where id = 1");
    const removed = (await tx.run("delete from audit_log where seq <= ?", [last.seq])).changes;
    await tx.run("update audit_pruning set active = 0 where id = 1");
    await tx.run(
      `insert into audit_chain_anchors (first_seq, prev_hash, pruned_before, rows_removed, created_at)
       values (?, ?, ?, ?, ?)`,
      [last.seq + 1, last.rowHash, before, removed, clock.now()],
    );
    return { rowsRemoved: removed, firstSeq: last.seq + 1 };
  });
