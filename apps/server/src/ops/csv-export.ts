import { AUDIT_PAGE_MAX, type ErrorEnvelope } from "@payreq/contracts";
import type { ReadResult } from "@payreq/core";
import type { Context } from "hono";
import { formatCsv } from "../cli/output.ts";

export const MAX_EXPORT_ROWS = 10_000;

/**
 * Every row the filters select, newest first, read page by page up to MAX_EXPORT_ROWS (past that the export is
 * cut and says so in a header: narrow the filters).
 */
export const readAllPages = async <B extends { nextCursor: string | null }, T>(
  readPage: (cursor: string | undefined, limit: number) => Promise<ReadResult<B>>,
  rowsOf: (body: B) => readonly T[],
): Promise<
  { ok: true; rows: T[]; truncated: boolean } | { ok: false; status: number; body: ErrorEnvelope }
> => {
  const rows: T[] = [];
  let cursor: string | undefined;
  for (;;) {
    const result = await readPage(cursor, Math.min(AUDIT_PAGE_MAX, MAX_EXPORT_ROWS - rows.length));
    if (result.status !== 200)
      return { ok: false, status: result.status, body: result.body as ErrorEnvelope };
    const page = result.body as B;
    rows.push(...rowsOf(page));
    if (page.nextCursor === null) return { ok: true, rows, truncated: false };
    if (rows.length >= MAX_EXPORT_ROWS) return { ok: true, rows, truncated: true };
    cursor = page.nextCursor;
  }
};

type Cell = string | number | boolean | null | undefined;

/** Spreadsheets run a cell starting with = + - @ (or a tab or CR before one) as a formula; a leading ' keeps it text. */
const inert = (value: Cell): Cell =>
  typeof value === "string" && /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;

export const csvResponse = (
  c: Context,
  name: string,
  headers: string[],
  rows: Cell[][],
  truncated: boolean,
) => {
  const day = new Date().toISOString().slice(0, 10);
  c.header("Content-Type", "text/csv; charset=utf-8");
  c.header("Content-Disposition", `attachment; filename="payreq-${name}-${day}.csv"`);
  if (truncated) c.header("X-Export-Truncated", `only the newest ${MAX_EXPORT_ROWS} rows`);
  return c.body(
    `${formatCsv(
      headers,
      rows.map((row) => row.map(inert)),
    )}\r\n`,
  );
};
