import { AUDIT_PAGE_MAX, type ErrorEnvelope } from "@payreq/contracts";
import type { Principal, ReadResult } from "@payreq/core";
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { formatCsv } from "../formats/output.ts";
import type { AppEnv } from "../http/env.ts";
import type { ConsoleDeps } from "./console-env.ts";
import { presentValues, type QueryValues, toReadInput } from "./filters.ts";
import { problemMessages } from "./pages/parts.ts";

export const MAX_EXPORT_ROWS = 10_000;

type Cell = string | number | boolean | null | undefined;
type Paged = { nextCursor: string | null };

/** Every row the read selects, newest first, page by page, up to MAX_EXPORT_ROWS. */
const readAllPages = async <B extends Paged, T>(
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

/** Spreadsheets run a cell starting with = + - @ (or a tab or CR before one) as a formula; a leading ' keeps it text. */
const inert = (value: Cell): Cell =>
  typeof value === "string" && /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;

/**
 * The list a page shows as CSV: the same filters, but every row they select rather than one page (past
 * MAX_EXPORT_ROWS the export is cut and says so in a header: narrow the filters). Bad filters are 400 in text.
 */
export const csvExport =
  <B extends Paged, T>(
    deps: ConsoleDeps,
    name: string,
    columns: readonly string[],
    read: (principal: Principal, input: QueryValues) => Promise<ReadResult<B>>,
    rowsOf: (body: B) => readonly T[],
    cellsOf: (row: T) => Cell[],
  ) =>
  async (c: Context<AppEnv>) => {
    const principal = c.get("principal");
    const { cursor: _, limit: __, ...values } = presentValues(c.req.query());
    const { input, problems } = toReadInput(values, deps.core.clock.now());
    if (problems.length) return c.text(problems.join("\n"), 400);
    const all = await readAllPages(
      (cursor, limit) => read(principal, { ...input, limit: String(limit), ...(cursor ? { cursor } : {}) }),
      rowsOf,
    );
    if (!all.ok)
      return c.text(problemMessages(all.body.errors).join("\n"), all.status as ContentfulStatusCode);
    const day = new Date(deps.core.clock.now()).toISOString().slice(0, 10);
    c.header("Content-Type", "text/csv; charset=utf-8");
    c.header("Content-Disposition", `attachment; filename="payreq-${name}-${day}.csv"`);
    if (all.truncated) c.header("X-Export-Truncated", `only the newest ${MAX_EXPORT_ROWS} rows`);
    return c.body(
      `${formatCsv(
        [...columns],
        all.rows.map((row) => cellsOf(row).map(inert)),
      )}\r\n`,
    );
  };
