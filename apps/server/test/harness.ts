import { openStore } from "@payreq/core";
import { createTestCore } from "@payreq/core/testing";
import { openTestStore, type TestStoreKind } from "@payreq/core/testing/stores";
import { createApp } from "../src/app.ts";
import { createChainStatus } from "../src/observability/chain-status.ts";
import { createServiceMetrics, disabledMetrics } from "../src/observability/service-metrics.ts";

export const PUBLISHED_EXAMPLE = {
  amount: 0,
  description: "string",
  refundedAmount: 0,
  paidDate: "2025-03-28T11:34:46.520Z",
  signatureFileName: "string",
  reminderDate: "2025-03-28T11:34:46.520Z",
  reminderMileage: 0,
  fileName: "string",
  paymentDeclines: "string",
  invoiceAttributes: {},
  dealerUuid: "string",
  orderUuid: "string",
  customerUuid: "string",
  dealerAssociateDepartmentUuid: "string",
  dealerAssociateUuid: "string",
  dealerAssociateUserUuid: "string",
  attachInvoice: true,
  esignInvoice: true,
  sendAsText: true,
  sendAsEmail: true,
  orderNumber: "string",
  orderType: "string",
};

export const basic = (username: string, password: string) =>
  `Basic ${Buffer.from(`${username}:${password}`, "utf8").toString("base64")}`;

let seq = 0;
export const freshOrderNumber = () => `RO-${Date.now().toString(36)}-${seq++}`;

/** A valid body for a Sunrise customer with a fresh order number, both channels asked for. */
export const sunriseBody = (customerUuid: string, overrides: Record<string, unknown> = {}) => ({
  amount: 125.5,
  description: "Brake pads and rotors",
  orderNumber: freshOrderNumber(),
  orderType: "RO",
  customerUuid,
  sendAsText: true,
  sendAsEmail: true,
  ...overrides,
});

/**
 * The app on a fresh store with the demo data: an in-memory SQLite database, or a new PostgreSQL database. With
 * `metrics`, it has a registry of its own (read with `scrape()`), as `payreq serve` does.
 */
export const createTestApp = async (
  options: Omit<NonNullable<Parameters<typeof createTestCore>[0]>, "store" | "metrics"> & {
    store?: TestStoreKind;
    /** A file path or PostgreSQL URL to open instead of a fresh store, e.g. one a `payreq` process will use. */
    location?: string;
    metrics?: boolean;
  } = {},
) => {
  const { metrics: measured, location, ...coreOptions } = options;
  const store = location ? await openStore(location) : await openTestStore(options.store ?? "sqlite");
  const metrics = measured ? createServiceMetrics() : disabledMetrics;
  const core = await createTestCore({
    ...coreOptions,
    store,
    ...(measured ? { metrics: metrics.core } : {}),
  });
  metrics.watch(core);
  // The app's, for a chain verifier to share as serve's does.
  const chain = createChainStatus({ store: core.store, metrics, now: () => core.clock.now() });
  const app = createApp({ core, metrics, chain });
  const { sunriseSender, harborSender, ops } = core.demo.credentials;
  const sender = basic(sunriseSender.username, sunriseSender.password);
  const dept = core.demo.ids.departments.sunrise;
  const sendPath = (department: string = dept) =>
    `/payment/aggregator/v1/departments/${department}/payment-requests`;

  const body = (overrides: Record<string, unknown> = {}) =>
    sunriseBody(core.demo.ids.customers.sunriseFull, overrides);

  const post = (
    payload: unknown,
    init: { auth?: string | null; department?: string; headers?: Record<string, string> } = {},
  ) => {
    const headers: Record<string, string> = { "Content-Type": "application/json", ...init.headers };
    const auth = init.auth === undefined ? sender : init.auth;
    if (auth !== null) headers.Authorization = auth;
    return app.request(sendPath(init.department), {
      method: "POST",
      headers,
      body: typeof payload === "string" ? payload : JSON.stringify(payload),
    });
  };

  /** A tRPC mutation over HTTP, as the typed client sends it. */
  const trpc = (input: unknown, auth: string | null = sender) =>
    app.request("/trpc/paymentRequests.send", {
      method: "POST",
      headers: { "Content-Type": "application/json", ...(auth === null ? {} : { Authorization: auth }) },
      body: JSON.stringify(input),
    });

  const auditRows = () => core.store.sql.all<Record<string, unknown>>("select * from audit_log order by seq");
  const count = async (table: string) =>
    (await core.store.sql.get<{ n: number }>(`select count(*) as n from ${table}`))?.n ?? 0;

  return {
    ...core,
    app,
    metrics,
    chain,
    scrape: () => metrics.exposition(),
    sender,
    harbor: basic(harborSender.username, harborSender.password),
    ops: basic(ops.username, ops.password),
    dept,
    sendPath,
    body,
    post,
    trpc,
    auditRows,
    count,
  };
};
