import { WebhookDeliveryStatus } from "@payreq/contracts";
import { isStoreUnavailable, PayreqError } from "@payreq/core";
import type { Hono, MiddlewareHandler } from "hono";
import type { AppEnv } from "../http/env.ts";
import { recordConsoleCall } from "./console-auth.ts";
import type { ConsoleDeps } from "./console-env.ts";
import { presentValues } from "./filters.ts";
import { messagePage } from "./pages/message-page.ts";
import { deliveriesPage, endpointsPage } from "./pages/webhooks-page.ts";

/** Where a form's `back` may send the browser: the deliveries page or a call's page, nothing else. */
const backTo = (value: unknown) =>
  typeof value === "string" &&
  /^\/ops\/(webhooks\/deliveries(\?[^#]*)?|calls\/[A-Za-z0-9_-]{1,64})$/.test(value)
    ? value
    : "/ops/webhooks/deliveries";

/** The console's webhook pages: endpoints, deliveries with their attempts, and a replay of one. */
export const registerWebhookRoutes = (
  ops: Hono<AppEnv>,
  deps: ConsoleDeps,
  guard: MiddlewareHandler<AppEnv>,
  postGuard: MiddlewareHandler<AppEnv>,
) => {
  const { data } = deps;

  ops.get("/webhooks", guard, async (c) => {
    const principal = c.get("principal");
    const [departments, endpoints] = await Promise.all([
      data.departments(principal),
      data.endpoints(principal),
    ]);
    return c.html(endpointsPage({ username: principal.username, departments, endpoints }));
  });

  ops.get("/webhooks/deliveries", guard, async (c) => {
    const principal = c.get("principal");
    const values = presentValues(c.req.query());
    const status = WebhookDeliveryStatus.safeParse(values.status);
    const problems =
      values.status && !status.success ? ["status must be pending, delivering, delivered or failed"] : [];
    const deliveries = problems.length
      ? []
      : await data.deliveries(principal, {
          endpointId: values.endpointId,
          status: status.success ? status.data : undefined,
          limit: 200,
        });
    const { notice: _, ...filters } = values;
    return c.html(
      deliveriesPage({
        username: principal.username,
        values: filters,
        deliveries,
        notice: values.notice,
        problems,
      }),
      problems.length ? 400 : 200,
    );
  });

  ops.post("/webhooks/deliveries/:deliveryId/replay", postGuard, async (c) => {
    const principal = c.get("principal");
    const form = await c.req.parseBody();
    const back = backTo(form.back);
    // A replay sends a dealer's data again: audited like any change made from the console.
    c.get("call").meta.operation = "ops.webhooks.replay";
    try {
      const [replayed] = await data.replay(principal, c.req.param("deliveryId"));
      await recordConsoleCall(c, deps, 303);
      const separator = back.includes("?") ? "&" : "?";
      return c.redirect(
        `${back}${separator}notice=${encodeURIComponent(`Delivery ${replayed} queued again.`)}`,
        303,
      );
    } catch (error) {
      if (!(error instanceof PayreqError) || isStoreUnavailable(error)) throw error;
      await recordConsoleCall(c, deps, error.status, {
        name: error.errorName,
        description: error.item.errorDescription,
      });
      return c.html(
        messagePage({ title: "Replay", username: principal.username, active: "webhooks" }, "Not replayed", [
          error.item.errorDescription,
        ]),
        error.status as 404,
      );
    }
  });
};
