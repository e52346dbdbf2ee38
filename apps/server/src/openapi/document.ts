import { aggregatorPaths } from "./aggregator-paths.ts";
import { paymentPaths } from "./payment-paths.ts";
import { publicPaths } from "./public-paths.ts";
import { HEADERS } from "./responses.ts";
import { componentSchemas } from "./schemas.ts";
import { v4Paths } from "./v4-paths.ts";
import { webhookPaths } from "./webhook-paths.ts";

/** The OpenAPI 3.1 document of every REST route, generated from the contracts the routes validate with. */
export const createOpenApiDocument = () => ({
  openapi: "3.1.0",
  info: {
    title: "payreq — Send Payment Request",
    version: "1.0.0",
    description:
      "Send Payment Request (the published endpoint), the audit log of every call, the payments platform's v4 endpoints served by the embedded backend, the public payment page and health checks. Every error answers the same envelope: `errors` non-empty, `warnings`. Every response carries X-Request-Id. Internal TypeScript apps can use the typed tRPC client (@payreq/client) instead.",
  },
  // The published page's base URL; the payment page, health and docs override it with "/".
  servers: [{ url: "/payment" }],
  security: [{ basicAuth: [] }],
  tags: [
    { name: "Send Payment Request", description: "The published endpoint" },
    { name: "Audit log", description: "Every call, refused ones included; for operations staff" },
    {
      name: "Webhooks",
      description:
        "Where a dealer's systems hear what happened: endpoints, their deliveries and replays. Events are POSTed signed per Standard Webhooks (schema WebhookEvent)",
    },
    {
      name: "Payments",
      description:
        "Card payments through Stripe Checkout: Stripe's and the SMS provider's callbacks, and the dealers' Stripe accounts",
    },
    { name: "v4 platform", description: "The platform's endpoints an aggregator in upstream mode calls" },
    { name: "Payment page", description: "Public: what the customer opens from the text or email" },
    { name: "Health", description: "Public: liveness and readiness" },
    { name: "Documentation", description: "Public: this document" },
  ],
  paths: { ...aggregatorPaths, ...webhookPaths, ...paymentPaths, ...v4Paths, ...publicPaths },
  components: {
    securitySchemes: {
      basicAuth: {
        type: "http",
        scheme: "basic",
        description: "A credential made with `payreq credentials add`; its grants decide what it may call",
      },
    },
    headers: HEADERS,
    schemas: componentSchemas(),
  },
});
