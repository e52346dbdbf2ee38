import type { AuditEntry } from "../audit/write-audit.ts";
import { insertAuditRow } from "../audit/write-audit.ts";
import type { PayreqDatabase } from "../db/open-database.ts";
import type { Clock } from "../ids.ts";
import type { Logger } from "../logger.ts";
import type { Notifier, PaymentsBackend } from "../ports.ts";
import type { IdempotencyStore } from "./idempotency.ts";
import type { TemplateStore } from "./template-store.ts";

export type CallDeps = {
  database: PayreqDatabase;
  backend: PaymentsBackend;
  notifier: Notifier;
  clock: Clock;
  logger: Logger;
  deliveryTimeoutMs: number;
  idempotency: IdempotencyStore;
  templates: TemplateStore;
};

/** Writes the call's audit row, together with `alongside` (the call's last domain writes) in one commit. */
export const recordCall = async (
  deps: Pick<CallDeps, "database" | "clock">,
  entry: AuditEntry,
  alongside?: () => Promise<void>,
): Promise<void> => {
  await deps.database.writes.run(async () => {
    if (alongside) await alongside();
    insertAuditRow(deps.database, entry, deps.clock);
  });
};
