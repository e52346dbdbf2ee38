import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { startStripeStandIn } from "@payreq/core/testing/stripe";
import { startWebhookReceiver } from "@payreq/core/testing/webhook-receiver";
import { type BenchStores, type StoreKind, startBenchStores } from "./bench-stores.ts";
import { startProcess } from "./processes.ts";
import { SEND_PATH } from "./published-call.ts";
import { payreqCommand } from "./service-command.ts";
import { webhookDatabase } from "./webhook-dispatch.ts";

const SERVER_DIR = fileURLToPath(new URL("../../apps/server", import.meta.url));
const SECRET = "whsec_Zm9sbG93LXRocm91Z2gtYmVuY2gtc2lnbmluZy1zZWNyZXQ=";

type Timings = { answered: number; receipt: number; dealerEvent: number };
export type FollowThroughResult = { store: StoreKind; payments: number } & Record<
  keyof Timings,
  { median: number; p95: number; max: number }
>;

const pollUntil = async <T>(what: string, read: () => Promise<T | undefined>): Promise<T> => {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within 30 s`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
};

/**
 * What follows a card payment, on one `payreq serve` with a Stripe stand-in and a dealer's receiver: for each of
 * `payments` links (sent, Pay pressed, paid on the stand-in), the time from the moment Stripe's signed
 * checkout.session.completed is posted to payreq until (a) payreq answers it, (b) both receipts (text and
 * email) are recorded as delivered in the outbox, (c) the dealer's receiver has the signed invoice.paid.
 * Payments one after another, so each figure is a latency, not a queue.
 */
export const measureFollowThrough = async (
  stores: BenchStores,
  kind: StoreKind,
  payments: number,
): Promise<FollowThroughResult> => {
  const db = await webhookDatabase(stores, kind, `follow_through_${kind}`);
  const stripe = await startStripeStandIn({ webhookSecret: SECRET });
  const receiver = await startWebhookReceiver();
  const { username, password } = db.demo.credentials.sunriseSender;
  const authorization = `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`;
  try {
    receiver.useSecret(await db.register(receiver.url));
    const service = await startProcess(
      [...payreqCommand(SERVER_DIR), "serve"],
      {
        ...db.env,
        PORT: "0",
        PAYREQ_METRICS: "off",
        PAYREQ_WEBHOOKS_ALLOW_PRIVATE: "1",
        PAYREQ_STRIPE_SECRET_KEY: "sk_test_follow_through",
        PAYREQ_STRIPE_WEBHOOK_SECRET: SECRET,
        PAYREQ_STRIPE_API_URL: stripe.url,
      },
      SERVER_DIR,
    );
    stripe.setWebhookUrl(`${service.url}/payment/webhooks/stripe`);
    const timings: Timings[] = [];
    try {
      for (let i = 0; i < payments; i++) {
        const sent = await fetch(`${service.url}${SEND_PATH}`, {
          method: "POST",
          headers: { authorization, "content-type": "application/json" },
          body: JSON.stringify({
            amount: 125.5,
            description: "Brake pads and rotors",
            orderNumber: `RO-FT-${i}`,
            orderType: "RO",
            customerUuid: db.demo.ids.customers.sunriseFull,
            sendAsText: true,
            sendAsEmail: true,
          }),
        });
        const { paymentUrl, invoiceUuid } = (await sent.json()) as {
          paymentUrl: string;
          invoiceUuid: string;
        };
        const pressed = await fetch(`${service.url}${new URL(paymentUrl).pathname}/checkout`, {
          method: "POST",
          headers: { origin: service.url },
          redirect: "manual",
        });
        const session = (pressed.headers.get("location") ?? "").split("/").at(-1) ?? "";
        const event = stripe.completedEvent(stripe.pay(session));
        const start = Date.now();
        const answer = await stripe.deliver(event);
        const answered = Date.now() - start;
        if (answer.status !== 200) throw new Error(`payreq answered the event ${answer.status}`);
        const receiptAt = await pollUntil("receipts", async () => {
          const row = await db.store.sql.get<{ n: number; last: number }>(
            "select count(*) as n, max(o.created_at) as last from outbox o join payment_requests p on p.uuid = o.payment_request_uuid where o.purpose = 'receipt' and o.status = 'DELIVERED' and p.invoice_uuid = ?",
            [invoiceUuid],
          );
          return Number(row?.n) === 2 ? Number(row?.last) : undefined;
        });
        const [paid] = await receiver.waitForMatching(
          1,
          (r) => r.verified?.type === "invoice.paid" && r.verified.data.invoiceUuid === invoiceUuid,
        );
        timings.push({ answered, receipt: receiptAt - start, dealerEvent: (paid?.at ?? start) - start });
      }
    } finally {
      await service.stop();
    }
    const summary = (key: keyof Timings) => {
      const sorted = timings.map((t) => t[key]).sort((a, b) => a - b);
      const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
      return { median: at(0.5), p95: at(0.95), max: sorted.at(-1) ?? 0 };
    };
    return {
      store: kind,
      payments,
      answered: summary("answered"),
      receipt: summary("receipt"),
      dealerEvent: summary("dealerEvent"),
    };
  } finally {
    await receiver.close();
    await stripe.close();
    await db.close();
  }
};

export const formatFollowThrough = (results: FollowThroughResult[]) =>
  [
    "After a card payment: from Stripe's event posted to payreq until ... (ms: median / p95 / max)",
    ...results.flatMap((r) =>
      (["answered", "receipt", "dealerEvent"] as const).map(
        (key) =>
          `${`${r.store}, ${r.payments} payments`.padEnd(24)} ${{ answered: "payreq answers 200", receipt: "both receipts delivered", dealerEvent: "dealer has invoice.paid" }[key].padEnd(26)} ${r[key].median} / ${r[key].p95} / ${r[key].max}`,
      ),
    ),
  ].join("\n");

/** `pnpm --filter @payreq/bench payment-follow-through [--stores sqlite,postgres] [--payments 50]` */
if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      stores: { type: "string", default: "sqlite,postgres" },
      payments: { type: "string", default: "50" },
    },
  });
  const kinds = values.stores.split(",") as StoreKind[];
  const stores = await startBenchStores(kinds);
  try {
    const results: FollowThroughResult[] = [];
    for (const kind of kinds) results.push(await measureFollowThrough(stores, kind, Number(values.payments)));
    console.log(formatFollowThrough(results));
  } finally {
    stores.close();
  }
}
