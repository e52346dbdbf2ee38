import { StripeAccountChange, toRequestErrors } from "@payreq/contracts";
import { getDealerPaymentSettings, PayreqError, setDealerStripeAccount } from "@payreq/core";
import type { Context, Hono } from "hono";
import { auditCalls } from "../http/audit-calls.ts";
import { authenticate } from "../http/authenticate.ts";
import { limitBody, readJsonBody, requireJson } from "../http/body.ts";
import type { AppDeps, AppEnv } from "../http/env.ts";
import { envelopeResponse } from "../http/envelope.ts";

export const DEALER_PATH = "/payment/aggregator/v1/dealers/:dealerUuid";

/** A refusal of core's as the published envelope. */
const refusal = (c: Context<AppEnv>, error: unknown) => {
  if (!(error instanceof PayreqError)) throw error;
  return envelopeResponse(c, error.status, { errors: [error.item], warnings: [] });
};

/**
 * A dealer's payment settings (scope payment.dealers.manage for every department of the dealer): where its
 * customers' card payments go. Changes are audited.
 */
export const registerDealerRoutes = (app: Hono<AppEnv>, deps: AppDeps) => {
  const { core } = deps;
  app.get(
    DEALER_PATH,
    auditCalls(deps, "rest", () => "dealers.show"),
    authenticate(deps),
    async (c) => {
      try {
        const dealer = await getDealerPaymentSettings(
          core.store.sql,
          c.get("principal"),
          c.req.param("dealerUuid"),
        );
        return c.json({ errors: [], warnings: [], dealer });
      } catch (error) {
        return refusal(c, error);
      }
    },
  );
  app.put(
    `${DEALER_PATH}/stripe-account`,
    auditCalls(deps, "rest", () => "dealers.stripe-account"),
    limitBody(),
    authenticate(deps),
    requireJson(),
    async (c) => {
      const body = await readJsonBody(c);
      if (!body.ok) return body.response;
      c.get("call").requestBody = body.value;
      const parsed = StripeAccountChange.safeParse(body.value);
      if (!parsed.success) {
        return envelopeResponse(c, 400, { errors: toRequestErrors(parsed.error), warnings: [] });
      }
      try {
        const dealer = await setDealerStripeAccount(
          core.store,
          c.get("principal"),
          c.req.param("dealerUuid"),
          parsed.data.stripeAccount,
        );
        return c.json({ errors: [], warnings: [], dealer });
      } catch (error) {
        return refusal(c, error);
      }
    },
  );
};
