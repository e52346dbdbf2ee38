import type { Sql } from "../ports/store.ts";
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

const BATCH = 1000;

/**
 * Walks the log in seq order from where the chain starts (genesis, or the last pruning's anchor) and names the
 * first row whose own hash is wrong (altered) or whose link to its predecessor is broken (a row was removed,
 * inserted or moved). Reads in batches, so memory stays flat however long the log.
 */
export const verifyAuditChain = async (sql: Sql): Promise<ChainReport> => {
  const anchor = await sql.get<{ prevHash: string }>(
    `select prev_hash as "prevHash" from audit_chain_anchors order by id desc limit 1`,
  );
  let expectedPrev = anchor?.prevHash ?? GENESIS_HASH;
  let rowsChecked = 0;
  let firstSeq: number | null = null;
  const broken = (row: AuditColumns, kind: ChainProblem["kind"], detail: string): ChainReport => ({
    ok: false,
    rowsChecked,
    headHash: expectedPrev,
    firstSeq,
    problem: { seq: row.seq, requestId: row.request_id, kind, detail },
  });
  let after = -1;
  for (;;) {
    const rows = await sql.all<AuditColumns & { row_hash: string }>(
      "select * from audit_log where seq > ? order by seq limit ?",
      [after, BATCH],
    );
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
    if (rows.length < BATCH) return { ok: true, rowsChecked, headHash: expectedPrev, firstSeq };
    after = rows.at(-1)?.seq ?? after;
    // SQLite reads synchronously: let a serving process answer calls between batches of a long walk.
    await new Promise((resolve) => setImmediate(resolve));
  }
};
