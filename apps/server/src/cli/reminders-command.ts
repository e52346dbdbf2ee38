import {
  listReminders,
  REMINDER_STATUSES,
  type ReminderStatus,
  sendDueReminders,
  silentLogger,
} from "@payreq/core";
import type { Config } from "../config.ts";
import { formatTable, UsageError } from "../formats/output.ts";
import { buildCore, openConfiguredStore } from "../server.ts";

const USAGE = `usage: payreq reminders list [--status ${REMINDER_STATUSES.join("|")}]
                               [--invoice-uuid uuid] [--department uuid] [--limit n] [--json]
       payreq reminders run-due [--json]     send every reminder that is due now, once`;

export type ReminderFlags = {
  json: boolean;
  status?: string | undefined;
  "invoice-uuid"?: string | undefined;
  department?: string | undefined;
  limit?: string | undefined;
};

const iso = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace("T", " ");

/** `payreq reminders`: what is scheduled and what happened to it, and a run of the due ones by hand. */
export const runReminders = async (config: Config, args: string[], flags: ReminderFlags): Promise<number> => {
  const [action, ...rest] = args;
  if (rest.length > 0 || (action !== "list" && action !== "run-due")) throw new UsageError(USAGE);
  const status = flags.status?.toUpperCase() as ReminderStatus | undefined;
  if (status !== undefined && !(REMINDER_STATUSES as readonly string[]).includes(status))
    throw new UsageError(`--status must be one of ${REMINDER_STATUSES.join(", ")}`);
  const limit = flags.limit === undefined ? undefined : Number(flags.limit);
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1 || limit > 1000))
    throw new UsageError("--limit must be 1-1000");
  const database = await openConfiguredStore(config);
  try {
    if (action === "run-due") {
      const core = buildCore(config, database, silentLogger);
      try {
        const run = await sendDueReminders({ ...core.deps, ids: core.ids }, { transport: "cli" });
        if (flags.json) console.log(JSON.stringify(run));
        else
          console.log(
            `sent ${run.sent}, skipped ${run.skipped}, not repeated ${run.uncertain}, claims taken back ${run.released}`,
          );
      } finally {
        core.close();
      }
      return 0;
    }
    const reminders = await listReminders(database.sql, {
      status,
      invoiceUuid: flags["invoice-uuid"],
      departmentUuid: flags.department,
      limit,
    });
    if (flags.json) {
      console.log(JSON.stringify(reminders, null, 2));
      return 0;
    }
    console.log(
      formatTable(
        ["DUE (UTC)", "STATUS", "ORDER", "INVOICE", "PAYMENT REQUEST", "TEXT", "EMAIL", "TRIES", "REASON"],
        reminders.map((r) => [
          iso(r.dueAt),
          r.status,
          r.orderNumber,
          r.invoiceUuid,
          r.paymentRequestUuid,
          r.textResult,
          r.emailResult,
          r.attempts,
          r.reason,
        ]),
      ),
    );
    return 0;
  } finally {
    await database.close();
  }
};
