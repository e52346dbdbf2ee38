import { listOutbox } from "@payreq/core";
import type { Config } from "../config.ts";
import { formatTable, UsageError } from "../formats/output.ts";
import { openConfiguredStore } from "../server.ts";

export type OutboxFlags = {
  json: boolean;
  limit?: string | undefined;
  channel?: string | undefined;
  status?: string | undefined;
  "payment-request"?: string | undefined;
  "customer-uuid"?: string | undefined;
};

/** `payreq outbox list`: every message the service sent or tried to send, newest first. */
export const runOutbox = async (config: Config, args: string[], flags: OutboxFlags): Promise<number> => {
  if (args[0] !== "list" || args.length !== 1)
    throw new UsageError(
      "usage: payreq outbox list [--channel text|email] [--status DELIVERED|FAILED] [--payment-request uuid] [--customer-uuid uuid] [--limit n] [--json]",
    );
  if (flags.channel !== undefined && !["text", "email"].includes(flags.channel))
    throw new UsageError("--channel must be text or email");
  const status = flags.status?.toUpperCase();
  if (status !== undefined && !["DELIVERED", "FAILED"].includes(status))
    throw new UsageError("--status must be DELIVERED or FAILED");
  const limit = flags.limit === undefined ? undefined : Number(flags.limit);
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1 || limit > 1000))
    throw new UsageError("--limit must be 1-1000");
  const database = await openConfiguredStore(config);
  try {
    const entries = await listOutbox(database.sql, {
      channel: flags.channel,
      status,
      paymentRequestUuid: flags["payment-request"],
      customerUuid: flags["customer-uuid"],
      limit,
    });
    if (flags.json) {
      console.log(JSON.stringify(entries, null, 2));
    } else {
      console.log(
        formatTable(
          [
            "TIME (UTC)",
            "CHANNEL",
            "PURPOSE",
            "RECIPIENT",
            "STATUS",
            "PROVIDER",
            "PROVIDER REF",
            "SEGMENTS",
            "PAYMENT REQUEST",
            "ATTACHMENT",
            "ERROR",
          ],
          entries.map((e) => [
            e.createdAt.slice(0, 19).replace("T", " "),
            e.channel,
            e.purpose,
            e.recipient,
            e.status,
            e.provider,
            e.providerRef,
            e.segments,
            e.paymentRequestUuid,
            e.attachment,
            e.error,
          ]),
        ),
      );
    }
    return 0;
  } finally {
    await database.close();
  }
};
