import { Scopes } from "@payreq/contracts";
import { pathParameter } from "./parameters.ts";
import { AUTHENTICATED_ERRORS, BODY_ERRORS, errorResponses, jsonResponse } from "./responses.ts";
import { schemaRef } from "./schemas.ts";

const ROOT = { servers: [{ url: "/" }] };
const PUBLIC = { security: [] };
const dealerUuid = pathParameter("dealerUuid", { type: "string", format: "uuid" }, "The dealer's uuid");

const dealerExample = {
  errors: [],
  warnings: [],
  dealer: {
    dealerUuid: "d1a1e000-0000-4000-8000-000000000001",
    name: "Sunrise Motors",
    stripeAccount: "acct_1SunriseMotors",
    currency: "usd",
  },
};

const DEALER_DESCRIPTION = `ApiScope: ${Scopes.dealersManage}, for every department of the dealer (or on *). Audited.`;

/** Card payments: the payment page's Pay form, the processors' callbacks, and the dealers' Stripe accounts. */
export const paymentPaths = {
  "/pay/{token}/checkout": {
    ...ROOT,
    post: {
      ...PUBLIC,
      operationId: "startCheckout",
      tags: ["Payment page"],
      summary: "The Pay button: on to the card processor's hosted page",
      description:
        "A form of the payment page (its Origin must be this service's). Answers 303 to the Stripe Checkout Session for the invoice's amount due (one open session per payment request: the same amount reuses it), or back to the link when there is nothing to pay or online payment is unavailable.",
      parameters: [
        {
          name: "token",
          in: "path",
          required: true,
          description: "The token of the payment URL",
          schema: { type: "string" },
        },
      ],
      responses: {
        "303": {
          description: "To the processor's page, or back to the link",
          headers: { Location: { schema: { type: "string" } } },
        },
        "403": {
          description: "Not posted from the payment page",
          content: { "text/html": { schema: { type: "string" } } },
        },
        "404": {
          description: "Unknown payment link",
          content: { "text/html": { schema: { type: "string" } } },
        },
        "410": {
          description: "The payment link has expired",
          content: { "text/html": { schema: { type: "string" } } },
        },
      },
    },
  },
  "/webhooks/stripe": {
    post: {
      ...PUBLIC,
      operationId: "receiveStripeEvent",
      tags: ["Payments"],
      summary: "Stripe's events (register this URL in Stripe for checkout.session.* and charge.refunded)",
      description:
        "Verified with the Stripe-Signature header over the raw body (PAYREQ_STRIPE_WEBHOOK_SECRET, 5 minutes' tolerance); each event id is handled once. A paid session records the payment on its invoice; a second payment of a paid invoice is refunded.",
      parameters: [{ name: "Stripe-Signature", in: "header", required: true, schema: { type: "string" } }],
      requestBody: {
        required: true,
        content: {
          "application/json": {
            schema: { type: "object", description: "A Stripe event, as Stripe sends it" },
            example: {
              id: "evt_1QExample",
              object: "event",
              type: "checkout.session.completed",
              created: 1764979200,
              data: {
                object: {
                  id: "cs_test_a1Example",
                  object: "checkout.session",
                  payment_status: "paid",
                  amount_total: 12550,
                  currency: "usd",
                  payment_intent: "pi_3QExample",
                  client_reference_id: "c4f5a7e2-8d1b-4e3a-9f6c-0b2d4e6f8a10",
                },
              },
            },
          },
        },
      },
      responses: {
        "200": jsonResponse("Handled (or handled before)", "ProcessorEventReceived", {
          errors: [],
          warnings: [],
          received: true,
          duplicate: false,
          outcome: "payment of $125.50 recorded",
          invoiceUuid: "8b9c1c1e-5f0a-4d59-9c54-2f0e6e0c1a11",
        }),
        ...errorResponses(["PROCESSOR_SIGNATURE_INVALID", "PAYMENTS_NOT_CONFIGURED", "PAYLOAD_TOO_LARGE"]),
      },
    },
  },
  "/webhooks/sms/status": {
    post: {
      ...PUBLIC,
      operationId: "receiveSmsStatus",
      tags: ["Payments"],
      summary: "The SMS provider's status callback for a text (delivered, undelivered, failed)",
      description:
        "Verified with X-Twilio-Signature over PAYREQ_PUBLIC_URL and the form parameters. A text's first final status is recorded; repeats change nothing.",
      parameters: [{ name: "X-Twilio-Signature", in: "header", required: true, schema: { type: "string" } }],
      requestBody: {
        required: true,
        content: {
          "application/x-www-form-urlencoded": {
            schema: {
              type: "object",
              properties: {
                MessageSid: { type: "string" },
                MessageStatus: { type: "string" },
                ErrorCode: { type: "string" },
              },
            },
          },
        },
      },
      responses: {
        "200": jsonResponse("Recorded, or nothing to record", "MessageStatusReceived", {
          errors: [],
          warnings: [],
          outcome: "recorded",
        }),
        ...errorResponses(["MESSAGE_STATUS_SIGNATURE_INVALID", "NOT_FOUND", "PAYLOAD_TOO_LARGE"]),
      },
    },
  },
  "/aggregator/v1/dealers/{dealerUuid}": {
    get: {
      operationId: "getDealerPaymentSettings",
      tags: ["Payments"],
      summary: "A dealer's payment settings: its Stripe connected account and currency",
      description: DEALER_DESCRIPTION,
      parameters: [dealerUuid],
      responses: {
        "200": jsonResponse("The dealer's settings", "DealerPaymentSettingsResponse", dealerExample),
        ...errorResponses([...AUTHENTICATED_ERRORS, "INVALID_SCOPE_DEPARTMENT", "DEALER_NOT_FOUND"]),
      },
    },
  },
  "/aggregator/v1/dealers/{dealerUuid}/stripe-account": {
    put: {
      operationId: "setDealerStripeAccount",
      tags: ["Payments"],
      summary:
        "Connect the dealer's Stripe account (its customers' payments go to it), or disconnect it with null",
      description: DEALER_DESCRIPTION,
      parameters: [dealerUuid],
      requestBody: {
        required: true,
        content: {
          "application/json": {
            schema: schemaRef("StripeAccountChange"),
            example: { stripeAccount: "acct_1SunriseMotors" },
          },
        },
      },
      responses: {
        "200": jsonResponse("The dealer's settings", "DealerPaymentSettingsResponse", dealerExample),
        ...errorResponses([
          ...AUTHENTICATED_ERRORS,
          ...BODY_ERRORS,
          "INVALID_SCOPE_DEPARTMENT",
          "DEALER_NOT_FOUND",
        ]),
      },
    },
  },
};
