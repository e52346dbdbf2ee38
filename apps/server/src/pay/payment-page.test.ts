import { TEST_STORES } from "@payreq/core/testing/stores";
import { describe, expect, it } from "vitest";
import { createTestApp } from "../../test/harness.ts";

const tokenOf = (paymentUrl: string) => paymentUrl.split("/").at(-1) ?? "";

describe.each(TEST_STORES)("on %s", (kind) => {
  describe("GET /pay/{token}", () => {
    it("shows the current amount of the invoice, also on an earlier link after the amount changed", async () => {
      const t = await createTestApp({ store: kind });
      const body = t.body({ amount: 100 });
      const first = (await (await t.post(body)).json()) as { paymentUrl: string };
      const page = await t.app.request(`/pay/${tokenOf(first.paymentUrl)}`);
      expect(page.status).toBe(200);
      expect(page.headers.get("cache-control")).toBe("no-store");
      expect(await page.text()).toContain("$100.00");
      await t.post({ ...body, amount: 80 });
      const again = await (await t.app.request(`/pay/${tokenOf(first.paymentUrl)}`)).text();
      expect(again).toContain("$80.00");
      expect(again).not.toContain("$100.00");
    });

    it("answers 404 for an unknown token and 410 for an expired one", async () => {
      let now = Date.now();
      const t = await createTestApp({
        store: kind,
        clock: { now: () => now },
        paymentUrls: { baseUrl: "https://pay.example.test/p", ttlMs: 60_000 },
      });
      const sent = (await (await t.post(t.body())).json()) as { paymentUrl: string };
      expect((await t.app.request(`/pay/${"A".repeat(64)}`)).status).toBe(404);
      const forged = `${tokenOf(sent.paymentUrl).slice(0, 22)}${"A".repeat(42)}`;
      expect((await t.app.request(`/pay/${forged}`)).status).toBe(404);
      expect((await t.app.request("/pay/short")).status).toBe(404);
      now += 61_000;
      const expired = await t.app.request(`/pay/${tokenOf(sent.paymentUrl)}`);
      expect(expired.status).toBe(410);
      expect(await expired.text()).toContain("expired");
    });

    it("says when the invoice is paid and shows the invoice when attached", async () => {
      const t = await createTestApp({ store: kind });
      const sent = (await (await t.post(t.body({ attachInvoice: true, fileName: "ro-77.pdf" }))).json()) as {
        paymentUrl: string;
        invoiceUuid: string;
      };
      const token = tokenOf(sent.paymentUrl);
      expect(await (await t.app.request(`/pay/${token}`)).text()).toContain(`/pay/${token}/invoice`);
      const invoice = await (await t.app.request(`/pay/${token}/invoice`)).text();
      expect(invoice).toContain("ro-77.pdf");
      await t.store.transaction((tx) =>
        tx.run("update invoices set status = 'PAID' where uuid = ?", [sent.invoiceUuid]),
      );
      expect(await (await t.app.request(`/pay/${token}`)).text()).toContain("has been paid");
    });
  });
});
