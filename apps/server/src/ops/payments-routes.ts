import type { Hono, MiddlewareHandler } from "hono";
import type { AppEnv } from "../http/env.ts";
import type { ConsoleDeps } from "./console-env.ts";
import { paymentsPage } from "./pages/payments-page.ts";

/** The console's Payments page: card payment sessions, and the second payments refunded. */
export const registerPaymentRoutes = (
  ops: Hono<AppEnv>,
  deps: ConsoleDeps,
  guard: MiddlewareHandler<AppEnv>,
) => {
  ops.get("/payments", guard, async (c) => {
    const principal = c.get("principal");
    const doublePayments = c.req.query("double") === "1";
    const [departments, payments] = await Promise.all([
      deps.data.departments(principal),
      deps.data.payments(principal, doublePayments),
    ]);
    return c.html(paymentsPage({ username: principal.username, departments, payments, doublePayments }));
  });
};
