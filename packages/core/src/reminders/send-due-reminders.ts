import { type WarningItem, warningItem } from "@payreq/contracts";
import { type AuditEntry, insertAuditRow } from "../audit/write-audit.ts";
import { AuditTrail, type Transport } from "../domain/call.ts";
import { type DeliveryOutcome, recordsOf } from "../domain/delivery.ts";
import { invoiceAttachment } from "../invoices/invoice-attachment.ts";
import { deliver } from "../notify/deliver.ts";
import { insertOutboxRows } from "../notify/outbox-rows.ts";
import type { TemplateStore } from "../notify/template-store.ts";
import { getCustomer } from "../platform/embedded/platform-queries.ts";
import type { Clock, IdGenerator } from "../ports/clock.ts";
import type { Logger } from "../ports/logger.ts";
import type { Notifier } from "../ports/notifier.ts";
import type { Sql, Store } from "../ports/store.ts";
import { type EventScope, messageEvent } from "../webhooks/event-data.ts";
import { raiseEvents } from "../webhooks/events.ts";
import { loadReminder, type ReminderToSend } from "./reminder-rows.ts";

export type ReminderDeps = {
  store: Store;
  clock: Clock;
  ids: IdGenerator;
  notifier: Notifier;
  templates: TemplateStore;
  deliveryTimeoutMs: number;
  logger: Logger;
};

export type ReminderRun = { sent: number; skipped: number; uncertain: number; released: number };

/** Reminders claimed per transaction; each is then sent on its own. */
const BATCH = 10;

type Claimed = { uuid: string; attempts: number };

/** A claim its owner has not moved to sending within this long is taken back (nothing was sent for it). */
const staleAfterMs = (deps: ReminderDeps) => 2 * deps.deliveryTimeoutMs + 30_000;

/**
 * Sends every reminder that is due, at most once each, on any number of processes at once. A reminder is
 * claimed (PENDING → CLAIMED, with this process as owner), then marked SENDING in a commit of its own before any
 * message leaves, then recorded SENT with its outbox rows and audit row. A claim whose owner died before SENDING
 * goes back to PENDING and is sent by whoever runs next; a reminder whose owner died while SENDING may have
 * reached the customer, so it is never sent again (UNCERTAIN, audited). A reminder whose invoice is no longer
 * open (paid, cancelled) is skipped, as is one with nothing to send.
 */
export const sendDueReminders = async (
  deps: ReminderDeps,
  options: { transport: Extract<Transport, "scheduler" | "cli">; limit?: number },
): Promise<ReminderRun> => {
  const run: ReminderRun = { sent: 0, skipped: 0, uncertain: 0, released: 0 };
  await recoverAbandoned(deps, options.transport, run);
  const limit = options.limit ?? 1000;
  let handled = 0;
  while (handled < limit) {
    const claimed = await claimDue(deps, Math.min(BATCH, limit - handled));
    for (const claim of claimed) {
      const result = await sendOne(deps, claim, options.transport);
      if (result !== "lost") run[result] += 1;
    }
    handled += claimed.length;
    if (claimed.length < BATCH) break;
  }
  return run;
};

const claimDue = (deps: ReminderDeps, count: number): Promise<Claimed[]> => {
  const now = deps.clock.now();
  const skipLocked = deps.store.dialect === "postgres" ? " for update skip locked" : "";
  return deps.store.transaction((tx) =>
    tx.all<Claimed>(
      `update reminders set status = 'CLAIMED', owner_id = ?, claimed_at = ?, attempts = attempts + 1, updated_at = ?
       where status = 'PENDING' and uuid in (
         select uuid from reminders where status = 'PENDING' and due_at <= ? order by due_at, uuid limit ?${skipLocked})
       returning uuid, attempts`,
      [deps.store.ownerId, now, now, now, count],
    ),
  );
};

/** Why a reminder goes unsent, or undefined when it should go. */
const reasonToSkip = (reminder: ReminderToSend, now: number): string | undefined => {
  if (reminder.invoiceStatus === "PAID") return "the invoice was paid";
  if (reminder.invoiceStatus === "VOID") return "the invoice was cancelled";
  if (reminder.amountCents === 0) return "nothing is due on the invoice";
  if (!reminder.sendAsText && !reminder.sendAsEmail)
    return "the payment request asked for neither text nor email";
  if (!reminder.paymentUrl || reminder.expiresAt <= now) return "the payment link has expired";
  return undefined;
};

const ours = "uuid = ? and status = ? and owner_id = ? and attempts = ?";

const endClaim = (deps: ReminderDeps, claim: Claimed, reason: string) =>
  deps.store.transaction((tx) =>
    tx.run(
      `update reminders set status = 'SKIPPED', reason = ?, payment_url = null, invoice_url = null, updated_at = ?
       where ${ours}`,
      [reason, deps.clock.now(), claim.uuid, "CLAIMED", deps.store.ownerId, claim.attempts],
    ),
  );

const sendOne = async (
  deps: ReminderDeps,
  claim: Claimed,
  transport: Transport,
): Promise<"sent" | "skipped" | "lost"> => {
  const { store, clock } = deps;
  const startedAt = clock.now();
  const trail = new AuditTrail(clock);
  trail.note("claim", "ok", `attempt ${claim.attempts}`);
  const reminder = await loadReminder(store.sql, claim.uuid);
  if (!reminder) return "lost";
  const skip = reasonToSkip(reminder, startedAt);
  if (skip) return (await endClaim(deps, claim, skip)).changes === 1 ? "skipped" : "lost";
  // Committed before any message leaves; the invoice must still be open at that moment.
  const { changes } = await store.transaction((tx) =>
    tx.run(
      `update reminders set status = 'SENDING', updated_at = ? where ${ours}
         and exists (select 1 from invoices i where i.uuid = reminders.invoice_uuid and i.status = 'OPEN')`,
      [clock.now(), claim.uuid, "CLAIMED", store.ownerId, claim.attempts],
    ),
  );
  if (changes === 0) {
    const now = await loadReminder(store.sql, claim.uuid);
    const reason = now && reasonToSkip(now, clock.now());
    return reason && (await endClaim(deps, claim, reason)).changes === 1 ? "skipped" : "lost";
  }
  const customer = await getCustomer(store.sql, reminder.customerUuid);
  if (!customer) throw new Error(`reminder ${reminder.uuid}: its customer is gone`);
  const delivery = await trail.step(
    "delivery",
    async () =>
      deliver(deps.notifier, {
        customer,
        templates: await deps.templates.forDealer(reminder.dealerUuid),
        sendAsText: reminder.sendAsText,
        sendAsEmail: reminder.sendAsEmail,
        timeoutMs: deps.deliveryTimeoutMs,
        purpose: "reminder",
        invoicePdf: reminder.attachInvoice
          ? invoiceAttachment(
              store.sql,
              { uuid: reminder.paymentRequestUuid, paymentUrl: reminder.paymentUrl ?? "" },
              reminder,
            )
          : undefined,
        context: {
          dealerName: reminder.dealerName,
          orderType: reminder.orderType,
          orderNumber: reminder.orderNumber,
          amountCents: reminder.amountCents,
          description: reminder.description ?? undefined,
          customerFirstName: customer.firstName,
          customerHasEmail: Boolean(customer.email),
          paymentUrl: reminder.paymentUrl ?? "",
          invoiceUrl: reminder.invoiceUrl ?? "",
          attachInvoice: reminder.attachInvoice,
          esignRequired: reminder.esignRequired,
        },
      }),
    (d) => `text=${d.text?.result ?? "-"} email=${d.email?.result ?? "-"}`,
  );
  await store.transaction(
    async (tx) => {
      await tx.run(
        `update reminders set status = 'SENT', text_result = ?, email_result = ?, payment_url = null,
           invoice_url = null, updated_at = ? where ${ours}`,
        [
          delivery.text?.result ?? null,
          delivery.email?.result ?? null,
          clock.now(),
          claim.uuid,
          "SENDING",
          store.ownerId,
          claim.attempts,
        ],
      );
      const rows = recordsOf(delivery).map((message) => ({
        ...message,
        uuid: deps.ids.next(),
        paymentRequestUuid: reminder.paymentRequestUuid,
        purpose: "reminder" as const,
      }));
      await insertOutboxRows(tx, rows, clock.now());
      const requestId = deps.ids.next();
      const scope = reminderScope(reminder, requestId);
      await raiseEvents(
        tx,
        [
          {
            type: "reminder.sent",
            dealerUuid: scope.dealerUuid,
            departmentUuid: scope.departmentUuid,
            requestId,
            paymentRequestUuid: scope.paymentRequestUuid,
            data: {
              reminderUuid: reminder.uuid,
              paymentRequestUuid: scope.paymentRequestUuid,
              invoiceUuid: scope.invoiceUuid,
              orderUuid: scope.orderUuid,
              reminderDate: reminder.reminderDate,
              ...(delivery.text ? { textSent: delivery.text.result } : {}),
              ...(delivery.email ? { emailSent: delivery.email.result } : {}),
            },
          },
          ...rows.map((row) => messageEvent(scope, row)),
        ],
        deps,
      );
      await audit(deps, tx, reminder, {
        requestId,
        transport,
        startedAt,
        trail,
        delivery,
        warnings: [delivery.text?.warning, delivery.email?.warning].filter((w) => w !== undefined),
      });
    },
    { grouped: true },
  );
  return "sent";
};

/** What the events of a reminder name: its payment request, invoice and order. */
const reminderScope = (reminder: ReminderToSend, requestId: string): EventScope => ({
  dealerUuid: reminder.dealerUuid,
  departmentUuid: reminder.departmentUuid,
  requestId,
  paymentRequestUuid: reminder.paymentRequestUuid,
  invoiceUuid: reminder.invoiceUuid,
  orderUuid: reminder.orderUuid,
});

/** One audit row per reminder sent (or that may have been): operation `reminders.send`. */
const audit = (
  deps: ReminderDeps,
  tx: Sql,
  reminder: ReminderToSend,
  row: {
    requestId?: string;
    transport: Transport;
    startedAt: number;
    trail: AuditTrail;
    delivery: DeliveryOutcome;
    warnings: WarningItem[];
  },
) => {
  const entry: AuditEntry = {
    meta: {
      requestId: row.requestId ?? deps.ids.next(),
      transport: row.transport,
      operation: "reminders.send",
      receivedAt: row.startedAt,
    },
    departmentUuid: reminder.departmentUuid,
    status: 200,
    requestBody: { reminderUuid: reminder.uuid, reminderDate: reminder.reminderDate },
    response: {
      errors: [],
      warnings: row.warnings,
      ...(row.delivery.text ? { textSent: row.delivery.text.result } : {}),
      ...(row.delivery.email ? { emailSent: row.delivery.email.result } : {}),
      reminderUuid: reminder.uuid,
      invoiceUuid: reminder.invoiceUuid,
      paymentRequestUuid: reminder.paymentRequestUuid,
    },
    timeline: row.trail.timeline,
    touched: {
      orderNumber: reminder.orderNumber,
      orderUuid: reminder.orderUuid,
      orderCreated: false,
      invoiceUuid: reminder.invoiceUuid,
      invoiceCreated: false,
      paymentRequestUuid: reminder.paymentRequestUuid,
      customerUuid: reminder.customerUuid,
    },
  };
  return insertAuditRow(tx, entry, { store: deps.store, clock: deps.clock });
};

/**
 * Claims whose owner died (or sat on them too long) go back to PENDING; reminders whose owner died while sending
 * end UNCERTAIN, audited with the warning the send path gives for a message it will not repeat.
 */
const recoverAbandoned = async (deps: ReminderDeps, transport: Transport, run: ReminderRun) => {
  const { store, clock } = deps;
  const held = await store.sql.all<{
    uuid: string;
    status: "CLAIMED" | "SENDING";
    ownerId: number | null;
    claimedAt: number | null;
    attempts: number;
  }>(
    `select uuid, status, owner_id as "ownerId", claimed_at as "claimedAt", attempts from reminders
     where status in ('CLAIMED', 'SENDING')`,
  );
  for (const row of held) {
    const alive = row.ownerId !== null && (await store.isOwnerAlive(store.sql, row.ownerId));
    const now = clock.now();
    const claim = [row.uuid, row.status, row.ownerId, row.attempts];
    if (row.status === "CLAIMED" && (!alive || (row.claimedAt ?? 0) < now - staleAfterMs(deps))) {
      const { changes } = await store.transaction((tx) =>
        tx.run(
          `update reminders set status = 'PENDING', owner_id = null, claimed_at = null, updated_at = ? where ${ours}`,
          [now, ...claim],
        ),
      );
      run.released += changes;
    } else if (row.status === "SENDING" && !alive) {
      const reminder = await loadReminder(store.sql, row.uuid);
      if (!reminder) continue;
      const ended = await store.transaction(
        async (tx) => {
          const { changes } = await tx.run(
            `update reminders set status = 'UNCERTAIN', reason = ?, payment_url = null, invoice_url = null,
               updated_at = ? where ${ours}`,
            [
              "its sender stopped while sending: it may have reached the customer, so it is not sent again",
              now,
              ...claim,
            ],
          );
          if (changes === 0) return 0;
          const notRepeated = { result: "FAILURE" as const };
          const trail = new AuditTrail(clock);
          trail.note("recover", "ok", `owner ${row.ownerId} stopped while sending attempt ${row.attempts}`);
          await audit(deps, tx, reminder, {
            transport,
            startedAt: now,
            trail,
            delivery: {
              text: reminder.sendAsText ? notRepeated : undefined,
              email: reminder.sendAsEmail ? notRepeated : undefined,
            },
            warnings: [
              warningItem("DELIVERY_NOT_REPEATED", {
                message: "Reminder not sent again: an earlier attempt may already have sent it",
              }),
            ],
          });
          return changes;
        },
        { grouped: true },
      );
      run.uncertain += ended;
    }
  }
};
