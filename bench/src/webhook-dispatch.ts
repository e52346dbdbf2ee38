import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import {
  createCore,
  createHttpWebhookSender,
  type Principal,
  seedDemo,
  sendPaymentRequest,
} from "@payreq/core";
import { startWebhookReceiver } from "@payreq/core/testing/webhook-receiver";
import { type BenchStores, type StoreKind, startBenchStores } from "./bench-stores.ts";
import { type Started, startProcess } from "./processes.ts";
import { publishedBody } from "./published-call.ts";
import { payreqCommand } from "./service-command.ts";

export type DispatchResult = {
  store: StoreKind;
  endpoints: number;
  events: number;
  deliveries: number;
  /** Deliveries per second after the first tenth, until the last (the receivers answer 200 at once). */
  deliveriesPerSecond: number;
  /** The dispatching process's CPU per delivery, over the same part. */
  serverCpuMicrosPerDelivery: number;
};

/** A demo database on the kind, a core on it that may register loopback endpoints, and the integrator. */
export const webhookDatabase = async (stores: BenchStores, kind: StoreKind, name: string) => {
  const opened = await stores.open(kind, name);
  const webhookSender = createHttpWebhookSender({ allowPrivate: true });
  const core = createCore({
    store: opened.store,
    paymentUrls: { baseUrl: "http://127.0.0.1/pay", ttlMs: 86_400_000 },
    webhookSender,
  });
  const demo = await seedDemo(opened.store, core.credentials, core.clock);
  if (!demo) throw new Error("fresh database was not empty");
  const principal = async (credential: { username: string; password: string }): Promise<Principal> => {
    const verified = await core.credentials.verify(credential.username, credential.password);
    if (!verified) throw new Error(`${credential.username} does not verify`);
    return verified;
  };
  const integrator = await principal(demo.credentials.sunriseIntegrator);
  /** Registers an endpoint of the Sunrise department, every event type, at `url`; gives its signing secret. */
  const register = async (url: string) => {
    const created = await core.webhooks.create(
      { principal: integrator, departmentUuid: demo.ids.departments.sunrise, requestId: core.ids.next() },
      { url },
    );
    if (!created.ok) throw new Error(JSON.stringify(created.body));
    return created.body.endpoint.secret;
  };
  return {
    ...opened,
    core,
    demo,
    principal,
    register,
    async close() {
      await webhookSender.close();
      await opened.store.close();
    },
  };
};

const deliveredCount = async (store: { sql: { get<T>(q: string): Promise<T | undefined> } }) =>
  Number(
    (
      await store.sql.get<{ n: number }>(
        "select count(*) as n from webhook_deliveries where status = 'delivered'",
      )
    )?.n ?? 0,
  );

/**
 * Waits until `expected` deliveries are delivered, and measures the part after the first tenth (the process
 * warmed up: its HTTP client compiled, its statements prepared): deliveries per second and CPU per delivery.
 */
const measureDrain = async (
  store: { sql: { get<T>(q: string): Promise<T | undefined> } },
  service: Started,
  expected: number,
) => {
  const deadline = Date.now() + 600_000;
  let from: { at: number; cpu: number; delivered: number } | undefined;
  for (;;) {
    const delivered = await deliveredCount(store);
    const now = { at: performance.now(), cpu: service.cpuMicros(), delivered };
    if (!from && delivered >= expected / 10) from = now;
    if (delivered >= expected) {
      const start = from ?? now;
      const count = Math.max(1, delivered - start.delivered);
      return {
        deliveriesPerSecond: (count * 1000) / Math.max(1, now.at - start.at),
        serverCpuMicrosPerDelivery: (now.cpu - start.cpu) / count,
      };
    }
    if (Date.now() > deadline)
      throw new Error(`only ${delivered} of ${expected} deliveries delivered in 10 minutes`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

/**
 * What the dispatcher of one `payreq serve` sustains on a store: `calls` published calls (three events each:
 * the payment request and its two messages) are made first with dispatching off, for `endpoints` loopback
 * endpoints; then `serve` starts with it on, and the time from its first attempt to its last gives the rate.
 */
export const measureDispatch = async (
  stores: BenchStores,
  kind: StoreKind,
  options: { calls: number; endpoints: number; command: string[]; cwd: string; name: string },
): Promise<DispatchResult> => {
  const db = await webhookDatabase(stores, kind, options.name);
  const receiver = await startWebhookReceiver();
  let service: Started | undefined;
  try {
    for (let i = 0; i < options.endpoints; i++) await db.register(`${receiver.url}/${i}`);
    const sender = await db.principal(db.demo.credentials.sunriseSender);
    const body = publishedBody(db.demo.ids.customers.sunriseFull, `RO-HOOK-${kind}`);
    for (let i = 0; i < options.calls; i += 20) {
      await Promise.all(
        Array.from({ length: Math.min(20, options.calls - i) }, (_, j) =>
          sendPaymentRequest(db.core.deps, sender, db.demo.ids.departments.sunrise, JSON.parse(body(i + j)), {
            requestId: db.core.ids.next(),
            transport: "rest",
            operation: "payment-requests.send",
            receivedAt: Date.now(),
          }),
        ),
      );
    }
    const events = Number(
      (await db.store.sql.get<{ n: number }>("select count(*) as n from webhook_events"))?.n ?? 0,
    );
    const expected = events * options.endpoints;
    service = await startProcess(
      [...options.command, "serve"],
      {
        ...db.env,
        PORT: "0",
        PAYREQ_METRICS: "off",
        PAYREQ_WEBHOOKS_ALLOW_PRIVATE: "1",
        PAYREQ_REMINDERS: "off",
      },
      options.cwd,
    );
    const drain = await measureDrain(db.store, service, expected);
    return { store: kind, endpoints: options.endpoints, events, deliveries: expected, ...drain };
  } finally {
    await service?.stop();
    await receiver.close();
    await db.close();
  }
};

export const formatDispatch = (results: DispatchResult[]) =>
  [
    "Webhook dispatch: one payreq serve draining events to loopback endpoints answering 200",
    ...results.map(
      (r) =>
        `${`${r.store}, ${r.endpoints} endpoint${r.endpoints === 1 ? "" : "s"}`.padEnd(31)} ${r.deliveriesPerSecond.toFixed(0).padStart(6)} deliveries/s  (${r.events} events, ${r.deliveries} deliveries)  server CPU ${r.serverCpuMicrosPerDelivery.toFixed(0)} µs/delivery`,
    ),
  ].join("\n");

/** `pnpm --filter @payreq/bench webhook-dispatch [--stores sqlite,postgres] [--calls 2000] [--endpoints 1,4]` */
if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      stores: { type: "string", default: "sqlite,postgres" },
      calls: { type: "string", default: "2000" },
      endpoints: { type: "string", default: "1,4" },
    },
  });
  const kinds = values.stores.split(",") as StoreKind[];
  const stores = await startBenchStores(kinds);
  const cwd = fileURLToPath(new URL("../../apps/server", import.meta.url));
  const results: DispatchResult[] = [];
  try {
    for (const kind of kinds) {
      for (const endpoints of values.endpoints.split(",").map(Number)) {
        results.push(
          await measureDispatch(stores, kind, {
            calls: Number(values.calls),
            endpoints,
            command: payreqCommand(cwd),
            cwd,
            name: `dispatch_${kind}_${endpoints}`,
          }),
        );
      }
    }
    console.log(formatDispatch(results));
  } finally {
    stores.close();
  }
}
