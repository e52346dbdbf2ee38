import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { Hono } from "hono";

/** The baseline: the bare framework on the published path, parsing the JSON body and answering small JSON. */
const app = new Hono();
app.post("/payment/aggregator/v1/departments/:departmentUuid/payment-requests", async (c) => {
  const body = (await c.req.json()) as { amount?: number };
  return c.json({ errors: [], warnings: [], paymentUrl: "http://127.0.0.1/pay/x", amount: body.amount ?? 0 });
});

const server = serve({ fetch: app.fetch, hostname: "127.0.0.1", port: 0 }, () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`${JSON.stringify({ msg: "listening", url: `http://127.0.0.1:${port}` })}\n`);
});
process.once("SIGTERM", () => server.close(() => process.exit(0)));
