import {
  findPaymentPage,
  formatMoney,
  invoiceFileName,
  type PaymentPage,
  recordPageView,
  renderInvoicePdf,
} from "@payreq/core";
import type { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { csrf } from "hono/csrf";
import { createMiddleware } from "hono/factory";
import { html } from "hono/html";
import { HTTPException } from "hono/http-exception";
import type { AppDeps, AppEnv } from "../http/env.ts";
import { PAGE_CSP, pageSecurityHeaders } from "../http/security-headers.ts";

/** Served as a file, not inline, so the page's CSP can refuse every inline style and script. */
const STYLESHEET = `body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;color:#222}
.amount{font-size:2rem;font-weight:600}.muted{color:#595959}
.pay{font:inherit;font-size:1.25rem;font-weight:600;color:#fff;background:#0b5cad;border:0;border-radius:.5rem;padding:.75rem 1.5rem;min-height:48px;cursor:pointer}
.pay:hover,.pay:focus-visible{background:#084a8c}.pay:focus-visible{outline:3px solid #f2a900;outline-offset:2px}
.notice{border-left:4px solid #0b5cad;padding:.5rem .75rem;background:#eef4fb}`;

const layout = (title: string, body: ReturnType<typeof html>) => html`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>${title}</title>
<link rel="stylesheet" href="/pay-assets/page.css"><link rel="icon" href="data:,"></head>
<body>${body}</body></html>`;

const summary = (page: PaymentPage) => html`<h1>${page.dealerName}</h1>
<p class="muted">${page.orderType} ${page.orderNumber}${page.description ? html` — ${page.description}` : ""}</p>`;

/** What the page says when the customer comes back from the processor's page, or could not get there. */
const NOTICES = {
  done: "Thank you: your payment is being confirmed. This page says paid once it is.",
  cancelled: "The payment was not made. You can pay when you are ready.",
  unavailable: "Online payment is not available right now. Please try again in a few minutes.",
} as const;

/**
 * The public side of a payment link: what is owed now, and with a card processor configured a Pay button (a
 * form posted to this service, which sends the customer on to the processor's hosted page: card data never
 * reaches this service). Without one the page says so and how to pay the dealer.
 */
export const registerPaymentPageRoutes = (app: Hono<AppEnv>, { core, hsts, checkoutOrigins }: AppDeps) => {
  // The Pay form's answer leads to the processor's page: browsers hold a form's redirects to form-action too.
  const csp = { ...PAGE_CSP, formAction: ["'self'", ...(checkoutOrigins ?? [])] };
  const headers = pageSecurityHeaders(csp, { hsts: hsts ?? false });
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
    const token = c.req.param("token");
    const { status, page } = await lookup(token);
    if (!page) return c.html(missing(status as 404 | 410), status);
    // The first view is recorded (payment_request.viewed); the page is shown whether or not that write succeeds.
    if (page.viewedAt === null) {
      await recordPageView(core.deps.run, page).catch((error: unknown) =>
        core.deps.logger.warn("payment page view not recorded", { error: String(error) }),
      );
    }
    const noticeKey = c.req.query("checkout");
    const notice = noticeKey && noticeKey in NOTICES ? NOTICES[noticeKey as keyof typeof NOTICES] : undefined;
    // Back from paying, before the processor's event has arrived: look again shortly.
    if (noticeKey === "done" && page.invoiceStatus === "OPEN") c.header("Refresh", "3");
    const body =
      page.invoiceStatus === "OPEN"
        ? html`${summary(page)}${notice ? html`<p class="notice" role="status">${notice}</p>` : ""}
<p>Amount due</p><p class="amount">${formatMoney(page.amountCents)}</p>
${page.esignRequired ? html`<p>You will be asked to sign the invoice before paying.</p>` : ""}
${payment(page, token)}
${page.attachInvoice ? html`<p><a href="/pay/${token}/invoice">View the invoice</a></p>` : ""}
<p class="muted">Link valid until ${new Date(page.expiresAt).toUTCString()}.</p>`
        : page.invoiceStatus === "PAID"
          ? html`${summary(page)}<p class="paid">This invoice has been paid. Thank you.</p>
<p class="muted">Paid ${formatMoney(page.paidAmountCents ?? page.amountCents)}${page.paidDate ? ` on ${new Date(page.paidDate).toUTCString()}` : ""}.</p>
${balance(page)}
${page.refundedAmountCents ? html`<p class="muted">Refunded: ${formatMoney(page.refundedAmountCents)}.</p>` : ""}`
          : html`${summary(page)}<p>This invoice has been cancelled.</p>`;
    return c.html(layout(`Pay ${page.dealerName}`, body));
  });

  /** The Pay button, or how to pay without one. */
  const payment = (page: PaymentPage, token: string) =>
    core.payments && page.amountCents > 0
      ? html`<form method="post" action="/pay/${token}/checkout"><button class="pay" type="submit">Pay ${formatMoney(page.amountCents)}</button></form>
<p class="muted">You will pay on Stripe's secure page and come back here.</p>`
      : page.amountCents > 0
        ? html`<p class="muted">Online payment is not available for this invoice: please pay ${page.dealerName} directly.</p>`
        : "";

  /** What a payment left unpaid (the amount changed after the customer's session began), or paid over. */
  const balance = (page: PaymentPage) => {
    const paid = page.paidAmountCents ?? page.amountCents;
    if (paid < page.amountCents) {
      return html`<p class="notice">Balance: ${formatMoney(page.amountCents - paid)} of the invoice's ${formatMoney(page.amountCents)} is still due. Please contact ${page.dealerName}.</p>`;
    }
    if (paid > page.amountCents) {
      return html`<p class="notice">${formatMoney(paid - page.amountCents)} was paid over the invoice's ${formatMoney(page.amountCents)}: ${page.dealerName} will refund it.</p>`;
    }
    return "";
  };

  /**
   * A form of this page only: hono's CSRF check (as the console's forms have), with the payment links' public
   * address (behind a proxy) allowed beside this service as reached. Refused with a page, not a bare 403; the body
   * is never read.
   */
  const publicOrigin = new URL(core.paymentUrls.baseUrl).origin;
  const fromThisPage = csrf({
    origin: (origin, c) => origin === new URL(c.req.url).origin || origin === publicOrigin,
  });
  const sameSite = createMiddleware<AppEnv>(async (c, next) => {
    try {
      await fromThisPage(c, async () => {});
    } catch (error) {
      if (!(error instanceof HTTPException)) throw error;
      return c.html(
        layout("Payment link", html`<h1>Refused</h1><p>Please press Pay on the payment page itself.</p>`),
        403,
      );
    }
    await next();
  });

  app.post(
    "/pay/:token/checkout",
    sameSite,
    bodyLimit({ maxSize: 1024, onError: (c) => c.text("Too large", 413) }),
    async (c) => {
      const token = c.req.param("token");
      const { status, page } = await lookup(token);
      if (!page) return c.html(missing(status as 404 | 410), status);
      if (!core.payments) return c.redirect(`/pay/${token}`, 303);
      const outcome = await core.payments.startCheckout(page, token);
      if (outcome.kind === "redirect") return c.redirect(outcome.url, 303);
      if (outcome.kind === "unavailable") return c.redirect(`/pay/${token}?checkout=unavailable`, 303);
      return c.redirect(outcome.kind === "paying" ? `/pay/${token}?checkout=done` : `/pay/${token}`, 303);
    },
  );

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
