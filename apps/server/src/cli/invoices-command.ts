import { InvoicePaymentRequest, toRequestErrors } from "@payreq/contracts";
import {
  type Core,
  formatMoney,
  getInvoiceState,
  type InvoiceState,
  invoiceBody,
  invoiceDepartment,
  PayreqError,
  paymentChangeOf,
  recordInvoicePayment,
  silentLogger,
  voidInvoice,
} from "@payreq/core";
import type { Config } from "../config.ts";
import { formatTable, UsageError } from "../formats/output.ts";
import { buildCore, openConfiguredStore } from "../server.ts";
import { auditedChange } from "./audited-change.ts";

const USAGE = `usage: payreq invoices show <invoiceUuid> [--json]
       payreq invoices mark-paid <invoiceUuid> [--paid-date ISO] [--amount n] [--refunded-amount n] [--json]
           a payment (date: now unless given; amount: the invoice's unless given), and/or a refund
           (--refunded-amount: the total refunded so far; alone, a refund of a paid invoice)
       payreq invoices void <invoiceUuid> [--json]       cancel an open invoice`;

export type InvoiceFlags = {
  json: boolean;
  "paid-date"?: string | undefined;
  amount?: string | undefined;
  "refunded-amount"?: string | undefined;
};

const money = (cents: number | null) => (cents === null ? "" : formatMoney(cents));

const print = (invoice: InvoiceState, json: boolean) => {
  if (json) {
    console.log(JSON.stringify(invoiceBody(invoice), null, 2));
    return;
  }
  console.log(
    formatTable(
      ["FIELD", "VALUE"],
      [
        ["invoice", invoice.uuid],
        ["status", invoice.status],
        ["amount", money(invoice.amountCents)],
        ["paidDate", invoice.paidDate],
        ["paidAmount", money(invoice.paidAmountCents)],
        ["refundedAmount", money(invoice.refundedAmountCents)],
        ["order", invoice.orderUuid],
        ["department", invoice.departmentUuid],
      ],
    ),
  );
};

/** The payment's fields from the flags, checked by the v4 endpoint's own schema. */
const paymentOf = (flags: InvoiceFlags, now: Date) => {
  const number = (name: string, text: string | undefined) => {
    if (text === undefined) return undefined;
    const value = Number(text);
    if (text.trim() === "" || !Number.isFinite(value)) throw new UsageError(`--${name} must be a number`);
    return value;
  };
  const refundOnly =
    flags["refunded-amount"] !== undefined && flags["paid-date"] === undefined && flags.amount === undefined;
  const parsed = InvoicePaymentRequest.safeParse({
    ...(refundOnly ? {} : { paidDate: flags["paid-date"] ?? now.toISOString() }),
    ...(flags.amount !== undefined ? { amount: number("amount", flags.amount) } : {}),
    ...(flags["refunded-amount"] !== undefined
      ? { refundedAmount: number("refunded-amount", flags["refunded-amount"]) }
      : {}),
  });
  if (!parsed.success) {
    const [first] = toRequestErrors(parsed.error);
    throw new UsageError(`${first?.errorMessage}: ${first?.errorDescription}`);
  }
  return paymentChangeOf(parsed.data);
};

/** A change made from the command line is audited like one made over the v4 endpoint. */
const audited = (
  core: Core,
  operation: string,
  input: { departmentUuid: string; invoiceUuid: string; requestBody?: unknown },
  change: () => Promise<InvoiceState>,
): Promise<InvoiceState> =>
  auditedChange(
    core,
    {
      operation,
      departmentUuid: input.departmentUuid,
      requestBody: input.requestBody,
      touched: { invoiceUuid: input.invoiceUuid },
    },
    change,
    (invoice) => ({
      response: { errors: [], warnings: [], invoice: invoiceBody(invoice) },
      touched: { invoiceUuid: invoice.uuid, orderUuid: invoice.orderUuid },
    }),
  );

/** `payreq invoices`: the platform's side of an invoice from the command line (show, record a payment, cancel). */
export const runInvoices = async (config: Config, args: string[], flags: InvoiceFlags): Promise<number> => {
  const [action, invoiceUuid, ...rest] = args;
  if (!invoiceUuid || rest.length > 0 || !["show", "mark-paid", "void"].includes(action ?? ""))
    throw new UsageError(USAGE);
  const database = await openConfiguredStore(config);
  const core = buildCore(config, database, silentLogger);
  try {
    const departmentUuid = await invoiceDepartment(database.sql, invoiceUuid);
    if (!departmentUuid) {
      console.error(`payreq: no invoice ${invoiceUuid}`);
      return 1;
    }
    const target = { departmentUuid, invoiceUuid };
    let invoice: InvoiceState | undefined;
    if (action === "show") invoice = await getInvoiceState(database.sql, invoiceUuid, departmentUuid);
    else if (action === "void")
      invoice = await audited(core, "invoices.void", target, () => voidInvoice(database, core, target));
    else {
      const change = paymentOf(flags, new Date(core.clock.now()));
      invoice = await audited(core, "invoices.mark-paid", { ...target, requestBody: change }, () =>
        recordInvoicePayment(database, core, { ...target, change }),
      );
    }
    if (invoice) print(invoice, flags.json);
    return 0;
  } catch (error) {
    if (!(error instanceof PayreqError)) throw error;
    console.error(`payreq: ${error.item.errorTitle}: ${error.item.errorDescription}`);
    return 1;
  } finally {
    core.close();
    await database.close();
  }
};
