import type { SendPaymentRequestResponse } from "@payreq/contracts";
import { findPaymentPage, sendPaymentRequest } from "@payreq/core";
import { testMeta } from "@payreq/core/testing";
import { TEST_STORES } from "@payreq/core/testing/stores";
import { describe, expect, it } from "vitest";
import { payreq } from "../../test/cli.ts";
import { seededDatabase } from "../../test/seeded-database.ts";

const tokenOf = (paymentUrl: string) => paymentUrl.split("/").at(-1) ?? "";

describe.each(TEST_STORES)("payreq invoices and payreq reminders on %s", { timeout: 60_000 }, (kind) => {
  it("records a payment and a refund, refuses bad ones clearly, cancels, and audits each change", async () => {
    const seeded = await seededDatabase(kind);
    const sender = await seeded.principalOf(seeded.demo.credentials.sunriseSender);
    const send = async (orderNumber: string) =>
      (
        await sendPaymentRequest(
          seeded.deps,
          sender,
          seeded.demo.ids.departments.sunrise,
          {
            amount: 90,
            orderNumber,
            orderType: "RO",
            customerUuid: seeded.demo.ids.customers.sunriseFull,
            sendAsEmail: true,
            reminderDate: new Date(Date.now() + 86_400_000).toISOString(),
          },
          testMeta(),
        )
      ).body as SendPaymentRequestResponse;
    const sent = await send("RO-CLI-PAY");
    const env = seeded.env;

    const listed = await payreq(["reminders", "list", "--json"], env);
    expect(JSON.parse(listed.stdout)).toMatchObject([{ status: "PENDING", invoiceUuid: sent.invoiceUuid }]);

    const tooMuch = await payreq(["invoices", "mark-paid", sent.invoiceUuid, "--amount", "95"], env);
    expect(tooMuch.code).toBe(1);
    expect(tooMuch.stderr).toContain("the amount paid ($95.00) is above the invoice's amount ($90.00)");
    const future = await payreq(
      ["invoices", "mark-paid", sent.invoiceUuid, "--paid-date", "2099-01-01T00:00:00Z"],
      env,
    );
    expect([future.code, future.stderr.includes("in the future")]).toEqual([1, true]);
    const notNumber = await payreq(["invoices", "mark-paid", sent.invoiceUuid, "--amount", "lots"], env);
    expect(notNumber.code).toBe(2);

    const paid = await payreq(["invoices", "mark-paid", sent.invoiceUuid, "--json"], env);
    expect(paid.code).toBe(0);
    expect(JSON.parse(paid.stdout)).toMatchObject({ invoiceStatus: "PAID", paidAmount: 90 });
    const refunded = await payreq(
      ["invoices", "mark-paid", sent.invoiceUuid, "--refunded-amount", "12.5", "--json"],
      env,
    );
    expect(JSON.parse(refunded.stdout)).toMatchObject({ invoiceStatus: "PAID", refundedAmount: 12.5 });
    expect((await findPaymentPage(seeded.store.sql, tokenOf(sent.paymentUrl)))?.invoiceStatus).toBe("PAID");
    const reminders = JSON.parse((await payreq(["reminders", "list", "--json"], env)).stdout);
    expect(reminders).toMatchObject([{ status: "SKIPPED", reason: "the invoice was paid" }]);

    const other = await send("RO-CLI-VOID");
    expect((await payreq(["invoices", "void", other.invoiceUuid], env)).stdout).toMatch(/status\s+VOID/);
    const payVoid = await payreq(["invoices", "mark-paid", other.invoiceUuid], env);
    expect([payVoid.code, payVoid.stderr.includes("INVOICE_CANCELLED")]).toEqual([1, true]);
    expect((await payreq(["invoices", "show", "01a20bfd-0000-7000-8000-000000000000"], env)).code).toBe(1);

    const audit = await seeded.store.sql.all<{ operation: string; transport: string; http_status: number }>(
      "select operation, transport, http_status from audit_log where transport = 'cli' order by seq",
    );
    expect(audit.map((row) => `${row.operation} ${row.http_status}`)).toEqual([
      "invoices.mark-paid 400",
      "invoices.mark-paid 400",
      "invoices.mark-paid 200",
      "invoices.mark-paid 200",
      "invoices.void 200",
      "invoices.mark-paid 409",
    ]);
    await seeded.store.close();
  });
});
