import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import Stripe from "stripe";

/** What the SDK sent: its path, the headers that matter, and the form it posted (flat keys, as encoded). */
export type StandInRequest = {
  method: string;
  path: string;
  stripeAccount: string | undefined;
  idempotencyKey: string | undefined;
  form: Record<string, string>;
};

type Session = {
  id: string;
  object: "checkout.session";
  url: string;
  status: "open" | "complete" | "expired";
  payment_status: "paid" | "unpaid";
  amount_total: number;
  currency: string;
  client_reference_id: string | null;
  metadata: Record<string, string>;
  payment_intent: string | null;
  success_url: string;
  cancel_url: string;
  expires_at: number;
  account: string | undefined;
};

const readForm = (req: IncomingMessage) =>
  new Promise<Record<string, string>>((resolve) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (body += chunk));
    req.on("end", () => resolve(Object.fromEntries(new URLSearchParams(body).entries())));
  });

/** The metadata[...] fields of a form, as an object. */
const metadataOf = (form: Record<string, string>, prefix = "metadata") =>
  Object.fromEntries(
    Object.entries(form)
      .filter(([key]) => key.startsWith(`${prefix}[`))
      .map(([key, value]) => [key.slice(prefix.length + 1, -1), value]),
  );

/**
 * The part of Stripe's API the SDK calls for Checkout (sessions create, retrieve, expire; refunds), on a
 * loopback port, reached through PAYREQ_STRIPE_API_URL; and a hosted page of its own at each session's url,
 * whose Pay button marks the session paid, sends payreq the signed `checkout.session.completed` and returns the
 * customer to the success URL. Events are signed with the SDK's `webhooks.generateTestHeaderString`.
 */
export const startStripeStandIn = async (options: { webhookSecret: string; webhookUrl?: string }) => {
  const stripe = new Stripe("sk_test_stand_in");
  const requests: StandInRequest[] = [];
  const sessions = new Map<string, Session>();
  const byKey = new Map<string, unknown>();
  let counter = 0;
  let webhookUrl = options.webhookUrl;
  let base = "";
  const next = (prefix: string) => `${prefix}_test_${(++counter).toString().padStart(6, "0")}`;

  const signed = (payload: string, secret = options.webhookSecret, timestamp?: number) =>
    stripe.webhooks.generateTestHeaderString({
      payload,
      secret,
      ...(timestamp !== undefined ? { timestamp } : {}),
    });

  /** An event as Stripe sends it: its JSON body and its Stripe-Signature header. */
  const event = (
    type: string,
    object: Record<string, unknown>,
    extra: { account?: string | undefined; id?: string; secret?: string; timestamp?: number } = {},
  ) => {
    const body = JSON.stringify({
      id: extra.id ?? next("evt"),
      object: "event",
      api_version: "2026-11-18.endive",
      created: Math.floor(Date.now() / 1000),
      type,
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      ...(extra.account ? { account: extra.account } : {}),
      data: { object },
    });
    return { body, signature: signed(body, extra.secret, extra.timestamp) };
  };

  /** Delivers a signed event to payreq's webhook, as Stripe does; answers payreq's status and body. */
  const deliver = async (delivery: { body: string; signature: string }) => {
    if (!webhookUrl) throw new Error("the stand-in has no webhook URL");
    const response = await fetch(webhookUrl, {
      method: "POST",
      headers: { "content-type": "application/json", "stripe-signature": delivery.signature },
      body: delivery.body,
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  const sessionObject = (session: Session) => {
    const { account: _account, ...object } = session;
    return object;
  };

  /** The customer pays a session: complete and paid (for `amountTotal`, by default the session's amount). */
  const pay = (id: string, amountTotal?: number) => {
    const session = sessions.get(id);
    if (!session) throw new Error(`no session ${id}`);
    session.status = "complete";
    session.payment_status = "paid";
    session.payment_intent = next("pi");
    if (amountTotal !== undefined) session.amount_total = amountTotal;
    return session;
  };

  const completedEvent = (session: Session) =>
    event("checkout.session.completed", sessionObject(session), { account: session.account });

  const json = (res: import("node:http").ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  };
  const invalid = (res: import("node:http").ServerResponse, message: string) =>
    json(res, 400, { error: { type: "invalid_request_error", message, code: "resource_missing" } });

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", base);
    const form = req.method === "POST" ? await readForm(req) : {};
    const header = (name: string) => {
      const value = req.headers[name];
      return Array.isArray(value) ? value[0] : value;
    };
    const hosted = url.pathname.startsWith("/hosted/");
    if (!hosted) {
      requests.push({
        method: req.method ?? "",
        path: url.pathname,
        stripeAccount: header("stripe-account"),
        idempotencyKey: header("idempotency-key"),
        form,
      });
    }
    const key = header("idempotency-key");
    const remembered = key && req.method === "POST" ? byKey.get(`${url.pathname} ${key}`) : undefined;
    if (remembered) return json(res, 200, remembered);
    const answer = (body: unknown) => {
      if (key && req.method === "POST") byKey.set(`${url.pathname} ${key}`, body);
      json(res, 200, body);
    };

    if (req.method === "POST" && url.pathname === "/v1/checkout/sessions") {
      const id = next("cs");
      const session: Session = {
        id,
        object: "checkout.session",
        url: `${base}/hosted/${id}`,
        status: "open",
        payment_status: "unpaid",
        amount_total: Number(form["line_items[0][price_data][unit_amount]"]),
        currency: form["line_items[0][price_data][currency]"] ?? "usd",
        client_reference_id: form.client_reference_id ?? null,
        metadata: metadataOf(form),
        payment_intent: null,
        success_url: form.success_url ?? "",
        cancel_url: form.cancel_url ?? "",
        expires_at: Number(form.expires_at),
        account: header("stripe-account"),
      };
      sessions.set(id, session);
      return answer(sessionObject(session));
    }
    const sessionPath = /^\/v1\/checkout\/sessions\/([^/]+)(\/expire)?$/.exec(url.pathname);
    if (sessionPath) {
      const session = sessions.get(sessionPath[1] ?? "");
      if (!session || session.account !== header("stripe-account"))
        return invalid(res, "No such checkout session");
      if (sessionPath[2]) {
        if (session.status !== "open") return invalid(res, "Only open sessions can be expired");
        session.status = "expired";
      }
      return answer(sessionObject(session));
    }
    if (req.method === "POST" && url.pathname === "/v1/refunds") {
      return answer({
        id: next("re"),
        object: "refund",
        status: "succeeded",
        payment_intent: form.payment_intent,
        metadata: metadataOf(form),
      });
    }
    const page = /^\/hosted\/([^/]+)$/.exec(url.pathname);
    if (page) {
      const session = sessions.get(page[1] ?? "");
      if (!session) return invalid(res, "No such checkout session");
      if (req.method === "GET") {
        res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
        return res.end(
          `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Stand-in checkout</title><link rel="icon" href="data:,"></head><body><main><h1>Stand-in checkout</h1><p>Amount: ${(session.amount_total / 100).toFixed(2)} ${session.currency.toUpperCase()}</p><form method="post"><button type="submit">Pay with the test card</button></form><p><a href="${session.cancel_url}">Cancel</a></p></main></body></html>`,
        );
      }
      pay(session.id);
      await deliver(completedEvent(session));
      res.writeHead(303, { location: session.success_url });
      return res.end();
    }
    json(res, 404, { error: { type: "invalid_request_error", message: `no route ${url.pathname}` } });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    requests,
    sessions,
    /** Where events go: payreq's `/payment/webhooks/stripe`. */
    setWebhookUrl(url: string) {
      webhookUrl = url;
    },
    pay,
    event,
    completedEvent,
    deliver,
    sessionObject,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};

export type StripeStandIn = Awaited<ReturnType<typeof startStripeStandIn>>;
