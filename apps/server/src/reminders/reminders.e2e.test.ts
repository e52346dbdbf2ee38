import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { SendPaymentRequestResponse } from "@payreq/contracts";
import { listReminders, type Store, sendPaymentRequest } from "@payreq/core";
import { testMeta } from "@payreq/core/testing";
import { startSmsProvider, startSmtpServer } from "@payreq/core/testing/providers";
import { TEST_STORES } from "@payreq/core/testing/stores";
import { describe, expect, it, onTestFinished } from "vitest";
import { payreq } from "../../test/cli.ts";
import { pollFor } from "../../test/poll-for.ts";
import { seededDatabase } from "../../test/seeded-database.ts";
import { startServerProcess } from "../../test/server-process.ts";

const ACCOUNT = "AC00000000000000000000000000000002";
const TOKEN = "sms-token-for-reminder-tests";

/** Real providers on loopback, and the environment that points `payreq` at them. */
const startProviders = async () => {
  const smtp = await startSmtpServer();
  const sms = await startSmsProvider(ACCOUNT, TOKEN);
  onTestFinished(() => Promise.all([smtp.close(), sms.close()]).then(() => undefined));
  const env = {
    PAYREQ_SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
    PAYREQ_EMAIL_FROM: "payments@sunrise.test",
    PAYREQ_SMS_URL: sms.url,
    PAYREQ_SMS_ACCOUNT_SID: ACCOUNT,
    PAYREQ_SMS_AUTH_TOKEN: TOKEN,
    PAYREQ_SMS_FROM: "+13125550000",
  };
  return { smtp, sms, env };
};

const pdfText = (pdf: Buffer) => {
  const path = join(mkdtempSync(join(tmpdir(), "payreq-pdf-")), "invoice.pdf");
  writeFileSync(path, pdf);
  return execFileSync("/usr/bin/pdftotext", ["-layout", path, "-"], { encoding: "utf8" });
};

/** Payment requests made before the processes start, each with a reminder that is already due. */
const dueReminders = async (seeded: Awaited<ReturnType<typeof seededDatabase>>, count: number) => {
  const sender = await seeded.principalOf(seeded.demo.credentials.sunriseSender);
  const sent: SendPaymentRequestResponse[] = [];
  for (let i = 0; i < count; i++) {
    const result = await sendPaymentRequest(
      seeded.deps,
      sender,
      seeded.demo.ids.departments.sunrise,
      {
        amount: 20 + i,
        orderNumber: `RO-REMIND-${i}`,
        orderType: "RO",
        customerUuid: seeded.demo.ids.customers.sunriseFull,
        sendAsText: true,
        reminderDate: new Date(Date.now() + 3_600_000).toISOString(),
      },
      testMeta(),
    );
    sent.push(result.body as SendPaymentRequestResponse);
  }
  // The hour passes: every reminder is due.
  await seeded.store.transaction((tx) => tx.run("update reminders set due_at = ?", [Date.now() - 1000]));
  return sent;
};

const textsWith = (sms: Awaited<ReturnType<typeof startSmsProvider>>, link: string) =>
  sms.requests.filter((request) => request.form.get("Body")?.includes(link)).length;

const statuses = async (store: Store) =>
  (await listReminders(store.sql, { limit: 1000 })).map((r) => r.status);

describe("the invoice PDF and reminders from real processes", { timeout: 90_000 }, () => {
  it("emails the invoice as a PDF, texts its link, and serve sends the reminder when it is due", async () => {
    const { smtp, sms, env } = await startProviders();
    const seeded = await seededDatabase("sqlite");
    await seeded.store.close();
    const server = await startServerProcess({ ...seeded.env, ...env, PAYREQ_REMINDER_INTERVAL: "1s" });
    onTestFinished(() => server.stop().then(() => undefined));

    const res = await fetch(
      `${server.url}/payment/aggregator/v1/departments/${seeded.demo.ids.departments.sunrise}/payment-requests`,
      {
        method: "POST",
        headers: { Authorization: seeded.auth, "Content-Type": "application/json" },
        body: JSON.stringify({
          amount: 125.5,
          description: "Brake pads and rotors",
          orderNumber: "RO-PDF-1",
          orderType: "RO",
          customerUuid: seeded.demo.ids.customers.sunriseFull,
          invoiceAttributes: { vin: "1HGCM82633A004352" },
          attachInvoice: true,
          esignInvoice: true,
          fileName: "RO-PDF-1 invoice.pdf",
          sendAsText: true,
          sendAsEmail: true,
          reminderDate: new Date(Date.now() + 2000).toISOString(),
        }),
      },
    );
    const sent = (await res.json()) as SendPaymentRequestResponse;
    expect(res.status).toBe(200);
    expect(sent).toMatchObject({ textSent: "SUCCESS", emailSent: "SUCCESS" });

    const [request] = smtp.received;
    const attachment = request?.mail.attachments.find((file) => file.contentType === "application/pdf");
    expect(attachment?.filename).toBe("RO-PDF-1 invoice.pdf");
    const text = pdfText(attachment?.content as Buffer);
    expect(text).toContain("$125.50");
    expect(text).toContain("RO RO-PDF-1");
    expect(text).toContain(sent.paymentUrl);
    expect(text).toContain("1HGCM82633A004352");
    expect(text).toContain("Customer signature");
    expect(sms.requests[0]?.form.get("Body")).toContain(`${sent.paymentUrl}/invoice`);

    // The page the text links to offers the same document.
    const page = await (await fetch(`${sent.paymentUrl}/invoice`)).text();
    expect(page).toContain("/invoice.pdf");
    const download = await fetch(`${sent.paymentUrl}/invoice.pdf`);
    expect(download.headers.get("content-type")).toBe("application/pdf");
    expect(Buffer.from(await download.arrayBuffer()).equals(attachment?.content as Buffer)).toBe(true);

    // The reminder: by serve's own scheduler, once the reminderDate has come, on both channels, same link.
    await pollFor(15_000, async () => (smtp.received.length >= 2 && sms.requests.length >= 2) || undefined);
    const reminderMail = smtp.received[1]?.mail;
    expect(reminderMail?.subject).toMatch(/^Reminder from Sunrise Motors/);
    expect(reminderMail?.text).toContain(sent.paymentUrl);
    expect(reminderMail?.attachments.map((file) => file.contentType)).toEqual(["application/pdf"]);
    expect(sms.requests[1]?.form.get("Body")).toMatch(/reminder.*still open/);
    expect(textsWith(sms, sent.paymentUrl)).toBe(2);

    const audit = JSON.parse(
      (await payreq(["audit", "list", "--order-number", "RO-PDF-1", "--json"], seeded.env)).stdout,
    ) as { records: { operation: string; invoiceUuid: string; paymentRequestUuid: string }[] };
    expect(audit.records.find((r) => r.operation === "reminders.send")).toMatchObject({
      invoiceUuid: sent.invoiceUuid,
      paymentRequestUuid: sent.paymentRequestUuid,
    });
  });

  describe.each(TEST_STORES)("on %s", (kind) => {
    it("sends each due reminder once when two processes run the due ones at the same moment", async () => {
      const { sms, env } = await startProviders();
      const seeded = await seededDatabase(kind);
      const sent = await dueReminders(seeded, 12);
      const runs = await Promise.all([
        payreq(["reminders", "run-due", "--json"], { ...seeded.env, ...env }),
        payreq(["reminders", "run-due", "--json"], { ...seeded.env, ...env }),
      ]);
      expect(runs.map((run) => run.code)).toEqual([0, 0]);
      const counts = runs.map((run) => JSON.parse(run.stdout) as { sent: number });
      expect(counts[0]!.sent + counts[1]!.sent).toBe(12);
      // The requests themselves went to the outbox; the provider saw only reminders, one each.
      for (const request of sent) expect(textsWith(sms, request.paymentUrl)).toBe(1);
      expect(await statuses(seeded.store)).toEqual(Array(12).fill("SENT"));
      await seeded.store.close();
    });

    it("after a kill -9 between claiming and sending, sends the claimed reminders once and never repeats one in flight", async () => {
      const { sms, env } = await startProviders();
      const seeded = await seededDatabase(kind);
      const sent = await dueReminders(seeded, 4);
      sms.setMode("hang");
      const serving = { ...seeded.env, ...env, PAYREQ_DELIVERY_TIMEOUT: "60s", PAYREQ_IDLE_TIMEOUT: "120s" };
      const first = await startServerProcess(serving);
      // One reminder is with the provider, which does not answer; the rest of the batch is claimed.
      await pollFor(15_000, async () => {
        const now = await statuses(seeded.store);
        const held =
          now.filter((s) => s === "SENDING").length === 1 && now.filter((s) => s === "CLAIMED").length === 3;
        return held && sms.requests.length === 1 ? true : undefined;
      });
      await first.stop("SIGKILL");

      sms.setMode("accept");
      const second = await startServerProcess(serving);
      onTestFinished(() => second.stop().then(() => undefined));
      await pollFor(15_000, async () => {
        const now = await statuses(seeded.store);
        return now.every((s) => s === "SENT" || s === "UNCERTAIN") ? now : undefined;
      });
      expect((await statuses(seeded.store)).sort()).toEqual(["SENT", "SENT", "SENT", "UNCERTAIN"]);
      // Every customer got exactly one reminder, the one in flight included.
      for (const request of sent) expect(textsWith(sms, request.paymentUrl)).toBe(1);
      await seeded.store.close();
    });
  });
});
