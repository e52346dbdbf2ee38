import * as z from "zod";
import { envelopeFields as envelope } from "./envelope.ts";
import { identifier } from "./identifier.ts";
import { freeText } from "./send-payment-request.ts";

/** What a dealer's systems hear about, as the `type` of each event. */
export const WEBHOOK_EVENT_TYPES = [
  "payment_request.created",
  "payment_request.viewed",
  "payment_request.expired",
  "message.sent",
  "message.failed",
  "message.uncertain",
  "reminder.sent",
  "invoice.paid",
  "invoice.refunded",
  "invoice.voided",
] as const;
export const WebhookEventType = z.enum(WEBHOOK_EVENT_TYPES);
export type WebhookEventType = z.infer<typeof WebhookEventType>;

/** Register an endpoint: where events go and which ones (all by default). */
export const WebhookEndpointCreate = z.strictObject({
  url: freeText("url", 2000).meta({
    description: "https:// (http:// and private addresses only where allowed)",
  }),
  events: z
    .array(WebhookEventType, { error: "events must be a list of event types" })
    .min(1, { error: "events must name at least one event type" })
    .max(WEBHOOK_EVENT_TYPES.length)
    .optional()
    .meta({ description: "The event types the endpoint receives; all when absent." }),
  description: freeText("description", 500).optional(),
  dealerWide: z.boolean({ error: "dealerWide must be true or false" }).optional().meta({
    description:
      "Receive the events of every department of the department's dealer (needs the scope on every one).",
  }),
});
export type WebhookEndpointCreate = z.infer<typeof WebhookEndpointCreate>;

export const WebhookEndpoint = z
  .object({
    id: z.string(),
    dealerUuid: z.string(),
    /** The department it was registered for; null for a dealer-wide endpoint. */
    departmentUuid: z.string().nullable(),
    url: z.string(),
    /** The event types it receives; null for all. */
    events: z.array(WebhookEventType).nullable(),
    description: z.string().nullable(),
    enabled: z.boolean(),
    /** Why it was disabled: by an operator, a 410 answer, or 5 days of failures. */
    disabledReason: z.string().nullable(),
    /** A secret rotated less than 24 hours ago is still valid until then: both signatures are sent. */
    previousSecretExpiresAt: z.iso.datetime().nullable(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: "WebhookEndpoint" });
export type WebhookEndpoint = z.infer<typeof WebhookEndpoint>;

/** The endpoint as created (or with a new secret): the signing secret, shown this once. */
export const WebhookEndpointWithSecret = WebhookEndpoint.extend({
  secret: z.string().meta({ description: "whsec_ + base64 of 32 random bytes; shown only now" }),
}).meta({ id: "WebhookEndpointWithSecret" });
export type WebhookEndpointWithSecret = z.infer<typeof WebhookEndpointWithSecret>;

export const WEBHOOK_DELIVERY_STATUSES = ["pending", "delivering", "delivered", "failed"] as const;
export const WebhookDeliveryStatus = z.enum(WEBHOOK_DELIVERY_STATUSES);
export type WebhookDeliveryStatus = z.infer<typeof WebhookDeliveryStatus>;

export const WebhookAttempt = z.object({
  attempt: z.number(),
  at: z.iso.datetime(),
  /** The receiver's HTTP status; null when no answer came (timeout, refused connection). */
  statusCode: z.number().nullable(),
  latencyMs: z.number(),
  /** The first 200 characters of the answer, or why there was none. */
  response: z.string().nullable(),
  error: z.string().nullable(),
});

export const WebhookDelivery = z
  .object({
    id: z.string(),
    endpointId: z.string(),
    eventId: z.string(),
    eventType: WebhookEventType,
    status: WebhookDeliveryStatus,
    attempts: z.array(WebhookAttempt),
    nextAttemptAt: z.iso.datetime().nullable(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: "WebhookDelivery" });
export type WebhookDelivery = z.infer<typeof WebhookDelivery>;

export const WebhookDeliveriesQuery = z.strictObject({
  status: WebhookDeliveryStatus.optional(),
  limit: z.coerce.number().int().min(1).max(200).optional(),
});

export const WebhookReplayRequest = z.strictObject({
  since: z.iso.datetime({ offset: true, error: "since must be an ISO-8601 date-time" }),
});

export const WebhookEndpointResponse = z.object({ ...envelope, endpoint: WebhookEndpoint });
export const WebhookEndpointWithSecretResponse = z.object({
  ...envelope,
  endpoint: WebhookEndpointWithSecret,
});
export const WebhookEndpointListResponse = z.object({ ...envelope, endpoints: z.array(WebhookEndpoint) });
export const WebhookDeliveryListResponse = z.object({ ...envelope, deliveries: z.array(WebhookDelivery) });
export const WebhookRemovedResponse = z.object({ ...envelope, removed: z.string() });
export const WebhookReplayResponse = z.object({
  ...envelope,
  /** The deliveries queued again (at once, with their original webhook-id). */
  replayed: z.array(z.string()),
});

export const WebhookEndpointId = identifier("endpointId");
export const WebhookDeliveryId = identifier("deliveryId");

/** Every event body: `data` depends on the type (see the README's Webhooks section). */
export const WebhookEvent = z
  .object({
    id: z.string().meta({ description: "Unique, and the same on every retry: the webhook-id header" }),
    type: WebhookEventType,
    createdAt: z.iso.datetime(),
    dealerUuid: z.string(),
    departmentUuid: z.string(),
    data: z.record(z.string(), z.unknown()),
  })
  .meta({ id: "WebhookEvent" });
export type WebhookEvent = z.infer<typeof WebhookEvent>;
