import {
  findPaymentPage,
  formatMoney,
  invoiceFileName,
  type PaymentPage,
  recordPageView,
  renderInvoicePdf,
} from "@payreq/core";
import type { Hono } from "hono";
import { html } from "hono/html";
import type { AppDeps, AppEnv } from "../http/env.ts";
import { PAGE_CSP, pageSecurityHeaders } from "../http/security-headers.ts";

/** Served as a file, not inline, so the page's CSP can refuse every inline style and script. */
const STYLESHEET = `body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;color:#222}
.amount{font-size:2rem;font-weight:600}.muted{color:#595959}`;

const layout = (title: string, body: ReturnType<typeof html>) => html`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>${title}</title>
<link rel="stylesheet" href="/pay-assets/page.css"><link rel="icon" href="data:,"></head>
<body>${body}</body></html>`;

const summary = (page: PaymentPage) => html`<h1>${page.dealerName}</h1>
<p class="muted">${page.orderType} ${page.orderNumber}${page.description ? html` — ${page.description}` : ""}</p>`;

/**
 * The public side of a payment link: what is owed now. Taking the payment itself belongs to the card
 * processor's hosted page; this service only shows the request and its current amount.
 */
export const registerPaymentPageRoutes = (app: Hono<AppEnv>, { core, hsts }: AppDeps) => {
  const headers = pageSecurityHeaders(PAGE_CSP, { hsts: hsts ?? false });
  app.use("/pay/*", headers);
  app.get("/pay-assets/page.css", (c) =>
    c.body(STYLESHEET, 200, {
      "Content-Type": "text/css; charset=utf-8",
      "Cache-Control": "public, max-age=86400",
    }),
  );
  const lookup = async (token: string) => {
    const page = await findPaymentPage(core.store.sql, token);
    if (!page) return { status: 404 as const, page: undefined };
    if (page.expiresAt <= core.clock.now()) return { status: 410 as const, page: undefined };
    return { status: 200 as const, page };
  };
  const missing = (status: 404 | 410) =>
    layout(
      "Payment link",
      html`<h1>${status === 410 ? "This payment link has expired" : "Payment link not found"}</h1>
<p>Please contact the dealership for a new link.</p>`,
    );

  app.get("/pay/:token", async (c) => {
    const { status, page } = await lookup(c.req.param("token"));
    if (!page) return c.html(missing(status as 404 | 410), status);
    // The first view is recorded (payment_request.viewed); the page is shown whether or not that write succeeds.
    if (page.viewedAt === null) {
      await recordPageView(core.deps.run, page).catch((error: unknown) =>
        core.deps.logger.warn("payment page view not recorded", { error: String(error) }),
      );
    }
    const body =
      page.invoiceStatus === "OPEN"
        ? html`${summary(page)}<p>Amount due</p><p class="amount">${formatMoney(page.amountCents)}</p>
${page.esignRequired ? html`<p>You will be asked to sign the invoice before paying.</p>` : ""}
${page.attachInvoice ? html`<p><a href="/pay/${c.req.param("token")}/invoice">View the invoice</a></p>` : ""}
<p class="muted">Link valid until ${new Date(page.expiresAt).toUTCString()}.</p>`
        : page.invoiceStatus === "PAID"
          ? html`${summary(page)}<p class="paid">This invoice has been paid. Thank you.</p>
<p class="muted">Paid ${formatMoney(page.paidAmountCents ?? page.amountCents)}${page.paidDate ? ` on ${new Date(page.paidDate).toUTCString()}` : ""}.</p>
${page.refundedAmountCents ? html`<p class="muted">Refunded: ${formatMoney(page.refundedAmountCents)}.</p>` : ""}`
          : html`${summary(page)}<p>This invoice has been cancelled.</p>`;
    return c.html(layout(`Pay ${page.dealerName}`, body));
  });

  app.get("/pay/:token/invoice", async (c) => {
    const { status, page } = await lookup(c.req.param("token"));
    if (!page) return c.html(missing(status as 404 | 410), status);
    return c.html(
      layout(
        "Invoice",
        html`${summary(page)}<p>Invoice amount: <strong>${formatMoney(page.amountCents)}</strong> (${page.invoiceStatus.toLowerCase()})</p>
<p><a href="/pay/${c.req.param("token")}/invoice.pdf">Download the invoice (PDF): ${invoiceFileName(page)}</a></p>
${page.esignRequired ? html`<p>You will be asked to sign the invoice before paying.</p>` : ""}`,
      ),
    );
  });

  /** The same PDF the email attaches: the invoice as it stands now, rendered from it each time. */
  app.get("/pay/:token/invoice.pdf", async (c) => {
    const token = c.req.param("token");
    const { status, page } = await lookup(token);
    if (!page) return c.html(missing(status as 404 | 410), status);
    const pdf = await renderInvoicePdf(page, `${core.paymentUrls.baseUrl.replace(/\/+$/, "")}/${token}`);
    return c.body(new Uint8Array(pdf), 200, {
      "Content-Type": "application/pdf",
      "Content-Disposition": `inline; filename="${invoiceFileName(page)}"`,
    });
  });
};
