import type Database from "better-sqlite3";
import { type AuditColumns, GENESIS_HASH, hashAuditRow } from "./hash-chain.ts";

export type ChainProblem = {
  seq: number;
  requestId: string;
  kind: "altered" | "removed-or-reordered";
  detail: string;
};

export type ChainReport = {
  ok: boolean;
  rowsChecked: number;
  /** The newest row's hash: record it elsewhere to detect a rewritten tail later. */
  headHash: string;
  firstSeq: number | null;
  problem?: ChainProblem;
};

/**
 * Walks the log in seq order from where the chain starts (genesis, or the last pruning's anchor) and names the
 * first row whose own hash is wrong (altered) or whose link to its predecessor is broken (a row was removed,
 * inserted or moved).
 */
export const verifyAuditChain = (sqlite: Database.Database): ChainReport => {
  const anchor = sqlite
    .prepare("select first_seq, prev_hash from audit_chain_anchors order by id desc limit 1")
    .get() as { first_seq: number; prev_hash: string } | undefined;
  let expectedPrev = anchor?.prev_hash ?? GENESIS_HASH;
  let rowsChecked = 0;
  let firstSeq: number | null = null;
  const rows = sqlite.prepare("select * from audit_log order by seq").iterate() as IterableIterator<
    AuditColumns & { row_hash: string }
  >;
  const broken = (row: AuditColumns, kind: ChainProblem["kind"], detail: string): ChainReport => ({
    ok: false,
    rowsChecked,
    headHash: expectedPrev,
    firstSeq,
    problem: { seq: row.seq, requestId: row.request_id, kind, detail },
  });
  for (const row of rows) {
    firstSeq ??= row.seq;
    if (row.prev_hash !== expectedPrev) {
      return broken(
        row,
        "removed-or-reordered",
        `its prev_hash does not match the hash of the row before it: a row before seq ${row.seq} was removed, inserted or moved`,
      );
    }
    const { row_hash: stored, ...columns } = row;
    if (hashAuditRow(columns) !== stored)
      return broken(row, "altered", "its content does not match its hash");
    expectedPrev = stored;
    rowsChecked++;
  }
  return { ok: true, rowsChecked, headHash: expectedPrev, firstSeq };
};
