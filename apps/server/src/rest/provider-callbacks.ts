import { ProcessorSignatureError, recordMessageStatus } from "@payreq/core";
import type { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { validateRequest } from "twilio/lib/webhooks/webhooks.js";
import { auditCalls } from "../http/audit-calls.ts";
import type { AppDeps, AppEnv } from "../http/env.ts";
import { errorResponse } from "../http/envelope.ts";
import { SMS_STATUS_PATH } from "../server-paths.ts";

const STRIPE_WEBHOOK_PATH = "/payment/webhooks/stripe";

/** Stripe's events are small (a Checkout Session, a charge); more than this is not Stripe. */
const PROVIDER_BODY_LIMIT = 512 * 1024;

const limit = bodyLimit({
  maxSize: PROVIDER_BODY_LIMIT,
  onError: (c) => errorResponse(c, "PAYLOAD_TOO_LARGE"),
});

/**
 * What the providers push: Stripe's events (verified by the SDK against the raw body and PAYREQ_STRIPE_WEBHOOK_SECRET,
 * each handled once) and the SMS provider's status callbacks (verified by its signature over the public URL and
 * the parameters). Every call is audited; a refused signature records nothing else.
 */
export const registerProviderCallbackRoutes = (app: Hono<AppEnv>, deps: AppDeps) => {
  const { core, background } = deps;

  app.post(
    STRIPE_WEBHOOK_PATH,
    auditCalls(deps, "rest", () => "stripe.webhook"),
    limit,
    async (c) => {
      const payments = core.payments;
      if (!payments) return errorResponse(c, "PAYMENTS_NOT_CONFIGURED");
      const raw = await c.req.text();
      let event: ReturnType<typeof payments.processor.verifyEvent>;
      try {
        event = payments.processor.verifyEvent(raw, c.req.header("stripe-signature"));
      } catch (error) {
        if (!(error instanceof ProcessorSignatureError)) throw error;
        return errorResponse(c, "PROCESSOR_SIGNATURE_INVALID", { description: error.message });
      }
      // The event names itself; its body (the customer's details among them) is not kept.
      c.get("call").requestBody = {
        id: event.id,
        type: event.type === "other" ? event.name : event.type,
        account: event.account,
      };
      const handled = await payments.handleEvent(event);
      if (handled.receipt) background.run("receipt", () => core.sendReceipts());
      const refund = handled.refund;
      if (refund) background.run("double payment refund", () => payments.refundDoublePayments(refund));
      if (!handled.duplicate) deps.onEvents?.();
      return c.json({
        errors: [],
        warnings: [],
        received: true,
        duplicate: handled.duplicate,
        outcome: handled.outcome,
        ...(handled.invoiceUuid ? { invoiceUuid: handled.invoiceUuid } : {}),
      });
    },
  );

  app.post(
    SMS_STATUS_PATH,
    auditCalls(deps, "rest", () => "sms.status"),
    limit,
    async (c) => {
      const settings = deps.smsStatus;
      if (!settings) return errorResponse(c, "NOT_FOUND");
      const form = new URLSearchParams(await c.req.text());
      const params = Object.fromEntries(form.entries());
      const signature = c.req.header("x-twilio-signature") ?? "";
      if (!signature || !validateRequest(settings.authToken, signature, settings.url, params)) {
        return errorResponse(c, "MESSAGE_STATUS_SIGNATURE_INVALID");
      }
      const providerRef = params.MessageSid ?? params.SmsSid ?? "";
      const status = params.MessageStatus ?? params.SmsStatus ?? "";
      c.get("call").requestBody = {
        MessageSid: providerRef,
        MessageStatus: status,
        ErrorCode: params.ErrorCode,
      };
      const outcome = await recordMessageStatus(core.deps, {
        providerRef,
        status,
        errorCode: params.ErrorCode,
      });
      if (outcome === "recorded") deps.onEvents?.();
      return c.json({ errors: [], warnings: [], outcome });
    },
  );
};
