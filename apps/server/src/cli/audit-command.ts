import {
  AuditListQuery,
  type AuditRecord,
  type AuditRecordSummary,
  AuditStatsQuery,
  toRequestErrors,
} from "@payreq/contracts";
import {
  type AuditAccess,
  auditStats,
  getAuditRecord,
  listAuditRecords,
  PayreqError,
  pruneAuditLog,
  systemClock,
  verifyAuditChain,
} from "@payreq/core";
import type * as z from "zod";
import type { Config } from "../config.ts";
import { formatCsv, formatTable, UsageError } from "../formats/output.ts";
import { toIsoTime } from "../formats/relative-time.ts";
import { openConfiguredStore } from "../server.ts";

export type AuditFlags = {
  json: boolean;
  csv: boolean;
  department?: string | undefined;
  since?: string | undefined;
  until?: string | undefined;
  outcome?: string | undefined;
  status?: string | undefined;
  "error-code"?: string | undefined;
  username?: string | undefined;
  "order-number"?: string | undefined;
  "order-uuid"?: string | undefined;
  "invoice-uuid"?: string | undefined;
  "customer-uuid"?: string | undefined;
  "idempotency-key"?: string | undefined;
  "request-id"?: string | undefined;
  limit?: string | undefined;
  cursor?: string | undefined;
  before?: string | undefined;
};

const flag = { type: "string" } as const;

export const AUDIT_FLAG_OPTIONS = {
  department: flag,
  since: flag,
  until: flag,
  outcome: flag,
  status: flag,
  "error-code": flag,
  username: flag,
  "order-number": flag,
  "order-uuid": flag,
  "invoice-uuid": flag,
  "customer-uuid": flag,
  "idempotency-key": flag,
  "request-id": flag,
  limit: flag,
  cursor: flag,
  before: flag,
};

/** The operator at the machine reads the whole log: the file's permissions are the access control. */
const EVERYTHING: AuditAccess = "*";

const parse = <S extends z.ZodType>(schema: S, input: Record<string, unknown>): z.infer<S> => {
  const defined = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
  const result = schema.safeParse(defined);
  if (!result.success)
    throw new UsageError(
      toRequestErrors(result.error)
        .map((e) => e.errorDescription)
        .join("; "),
    );
  return result.data;
};

const time = (value: string | undefined, flag: string) =>
  value === undefined ? undefined : toIsoTime(value, flag);

const listQuery = (flags: AuditFlags) =>
  parse(AuditListQuery, {
    departmentUuid: flags.department,
    since: time(flags.since, "--since"),
    until: time(flags.until, "--until"),
    outcome: flags.outcome?.toUpperCase(),
    httpStatus: flags.status,
    errorCode: flags["error-code"],
    username: flags.username,
    orderNumber: flags["order-number"],
    orderUuid: flags["order-uuid"],
    invoiceUuid: flags["invoice-uuid"],
    customerUuid: flags["customer-uuid"],
    idempotencyKey: flags["idempotency-key"],
    requestId: flags["request-id"],
    limit: flags.limit,
    cursor: flags.cursor,
  });

const LIST_COLUMNS = [
  "recordedAt",
  "requestId",
  "departmentUuid",
  "username",
  "operation",
  "outcome",
  "httpStatus",
  "errorCodes",
  "orderNumber",
  "textSent",
  "emailSent",
] as const satisfies readonly (keyof AuditRecordSummary)[];

const cell = (value: unknown) => (Array.isArray(value) ? value.join(" ") : (value as string | number | null));

const printList = (records: AuditRecordSummary[], nextCursor: string | null, flags: AuditFlags) => {
  if (flags.json) {
    console.log(JSON.stringify({ records, nextCursor }, null, 2));
  } else if (flags.csv) {
    const headers = Object.keys(records[0] ?? { requestId: "" });
    console.log(
      formatCsv(
        headers,
        records.map((r) => headers.map((h) => cell(r[h as keyof AuditRecordSummary]))),
      ),
    );
  } else {
    const rows = records.map((r) =>
      LIST_COLUMNS.map((c) => cell(c === "recordedAt" ? r[c].slice(0, 19).replace("T", " ") : r[c])),
    );
    console.log(
      formatTable(
        [
          "TIME (UTC)",
          "REQUEST ID",
          "DEPARTMENT",
          "USER",
          "OPERATION",
          "OUTCOME",
          "STATUS",
          "ERRORS",
          "ORDER",
          "TEXT",
          "EMAIL",
        ],
        rows,
      ),
    );
    if (nextCursor) console.log(`\nMore: --cursor ${nextCursor}`);
  }
};

const printRecord = (record: AuditRecord, flags: AuditFlags) => {
  if (flags.json) {
    console.log(JSON.stringify(record, null, 2));
    return;
  }
  const { timeline, requestBody, responseBody, ...fields } = record;
  if (flags.csv) {
    console.log(formatCsv(Object.keys(fields), [Object.values(fields).map(cell)]));
    return;
  }
  console.log(
    formatTable(
      ["FIELD", "VALUE"],
      Object.entries(fields).map(([k, v]) => [k, cell(v)]),
    ),
  );
  console.log("\nTimeline:");
  console.log(
    formatTable(
      ["STEP", "AT (UTC)", "MS", "RESULT", "DETAIL"],
      timeline.map((s) => [s.step, new Date(s.atMs).toISOString(), s.durationMs, s.result, s.detail ?? ""]),
    ),
  );
  console.log(
    `\nRequest:\n${JSON.stringify(requestBody, null, 2)}\n\nResponse:\n${JSON.stringify(responseBody, null, 2)}`,
  );
};

export const runAudit = async (config: Config, args: string[], flags: AuditFlags): Promise<number> => {
  const [action, ...rest] = args;
  const database = await openConfiguredStore(config);
  try {
    switch (action) {
      case "list": {
        if (rest.length) throw new UsageError("usage: payreq audit list [filters] [--json|--csv]");
        const page = await listAuditRecords(database, EVERYTHING, listQuery(flags));
        printList(page.records, page.nextCursor, flags);
        return 0;
      }
      case "show": {
        const [requestId] = rest;
        if (!requestId || rest.length !== 1)
          throw new UsageError("usage: payreq audit show <requestId> [--json|--csv]");
        printRecord(await getAuditRecord(database, EVERYTHING, requestId), flags);
        return 0;
      }
      case "stats": {
        const query = parse(AuditStatsQuery, {
          departmentUuid: flags.department,
          since: time(flags.since, "--since"),
          until: time(flags.until, "--until"),
        });
        const stats = await auditStats(database, EVERYTHING, query);
        if (flags.json) console.log(JSON.stringify(stats, null, 2));
        else if (flags.csv) {
          const headers = ["day", "departmentUuid", "success", "rejected", "failed", "total"] as const;
          console.log(
            formatCsv(
              [...headers],
              stats.days.map((d) => headers.map((h) => d[h])),
            ),
          );
        } else {
          console.log(
            formatTable(
              ["DAY", "DEPARTMENT", "SUCCESS", "REJECTED", "FAILED", "TOTAL"],
              stats.days.map((d) => [
                d.day,
                d.departmentUuid ?? "(none)",
                d.success,
                d.rejected,
                d.failed,
                d.total,
              ]),
            ),
          );
          console.log("\nMost frequent errors:");
          console.log(
            formatTable(
              ["CODE", "TITLE", "COUNT"],
              stats.topErrorCodes.map((e) => [e.errorCode, e.errorTitle, e.count]),
            ),
          );
        }
        return 0;
      }
      case "verify": {
        const report = await verifyAuditChain(database.sql);
        if (flags.json) console.log(JSON.stringify(report, null, 2));
        else if (report.ok) {
          console.log(
            `OK: ${report.rowsChecked} rows checked from seq ${report.firstSeq ?? "-"}; chain head ${report.headHash}`,
          );
        } else {
          const p = report.problem!;
          console.log(`TAMPERED: row seq ${p.seq} (request id ${p.requestId}) ${p.kind}: ${p.detail}`);
        }
        return report.ok ? 0 : 1;
      }
      case "prune": {
        if (!flags.before) throw new UsageError("usage: payreq audit prune --before <date>");
        const before = Date.parse(toIsoTime(flags.before, "--before"));
        const result = await pruneAuditLog(database, before, systemClock);
        if (flags.json) console.log(JSON.stringify(result));
        else
          console.log(
            `Removed ${result.rowsRemoved} rows recorded before ${new Date(before).toISOString()}.`,
          );
        return 0;
      }
      default:
        throw new UsageError("usage: payreq audit list|show|stats|verify|prune ...");
    }
  } catch (error) {
    if (error instanceof PayreqError) {
      console.error(`payreq: ${error.item.errorMessage}`);
      return 1;
    }
    throw error;
  } finally {
    await database.close();
  }
};
