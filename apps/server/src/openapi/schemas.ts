import {
  AuditListResponse,
  AuditRecord,
  AuditRecordSummary,
  DealerPaymentSettings,
  DealerPaymentSettingsResponse,
  ErrorEnvelope,
  ErrorItem,
  InvoicePaymentRequest,
  InvoiceStateResponse,
  SendPaymentRequestBody,
  SendPaymentRequestResponse,
  StripeAccountChange,
  UpstreamDepartmentResponse,
  UpstreamInvoiceRequest,
  UpstreamInvoiceResponse,
  UpstreamOrderRequest,
  UpstreamOrderResponse,
  UpstreamPaymentRequestBody,
  UpstreamPaymentRequestResponse,
  WarningItem,
  WebhookDelivery,
  WebhookDeliveryListResponse,
  WebhookEndpoint,
  WebhookEndpointCreate,
  WebhookEndpointListResponse,
  WebhookEndpointResponse,
  WebhookEndpointWithSecret,
  WebhookEndpointWithSecretResponse,
  WebhookEvent,
  WebhookRemovedResponse,
  WebhookReplayRequest,
  WebhookReplayResponse,
} from "@payreq/contracts";
import * as z from "zod";

export type JsonObject = Record<string, unknown>;

/** The v4 order reads answer the write's body without its `created` flag (see upstream-api/v4-operations.ts). */
const DealerOrderReadResponse = UpstreamOrderResponse.omit({ created: true });

/** app.ts answers these inline; described here so that the document covers them too. */
export const HealthResponse = z.object({ status: z.literal("ok") });
/** What Stripe's and the SMS provider's callbacks are answered (see rest/provider-callbacks.ts). */
export const ProcessorEventReceived = z.object({
  errors: z.array(z.never()),
  warnings: z.array(z.never()),
  received: z.literal(true),
  duplicate: z.boolean().meta({ description: "The event was handled before: nothing was done again" }),
  outcome: z.string().meta({ description: "What handling it did, for the processor's logs and ops" }),
  invoiceUuid: z.string().optional(),
});
export const MessageStatusReceived = z.object({
  errors: z.array(z.never()),
  warnings: z.array(z.never()),
  outcome: z.enum(["recorded", "unchanged", "unknown-message", "not-final"]),
});
export const ReadinessResponse = z.object({
  status: z.enum(["ready", "not migrated", "database unavailable", "draining"]),
});

/** Every schema the document names, by its component name. */
const COMPONENTS = {
  SendPaymentRequestBody,
  SendPaymentRequestResponse,
  ErrorEnvelope,
  Error: ErrorItem,
  Warning: WarningItem,
  AuditListResponse,
  AuditRecordSummary,
  AuditRecord,
  V4DepartmentResponse: UpstreamDepartmentResponse,
  V4DealerOrderRequest: UpstreamOrderRequest,
  V4DealerOrderResponse: UpstreamOrderResponse,
  V4DealerOrderReadResponse: DealerOrderReadResponse,
  V4InvoiceRequest: UpstreamInvoiceRequest,
  V4InvoiceResponse: UpstreamInvoiceResponse,
  V4InvoiceReadResponse: InvoiceStateResponse,
  V4InvoicePaymentRequest: InvoicePaymentRequest,
  V4PaymentRequestBody: UpstreamPaymentRequestBody,
  V4PaymentRequestResponse: UpstreamPaymentRequestResponse,
  WebhookEndpointCreate,
  WebhookEndpoint,
  WebhookEndpointWithSecret,
  WebhookEndpointResponse,
  WebhookEndpointWithSecretResponse,
  WebhookEndpointListResponse,
  WebhookRemovedResponse,
  WebhookDelivery,
  WebhookDeliveryListResponse,
  WebhookReplayRequest,
  WebhookReplayResponse,
  WebhookEvent,
  DealerPaymentSettings,
  DealerPaymentSettingsResponse,
  StripeAccountChange,
  ProcessorEventReceived,
  MessageStatusReceived,
  HealthResponse,
  ReadinessResponse,
} satisfies Record<string, z.ZodType>;

export type ComponentName = keyof typeof COMPONENTS;

export const schemaRef = (name: ComponentName) => ({ $ref: `#/components/schemas/${name}` });

/** JSON Schema 2020-12 (OpenAPI 3.1's dialect) of each contract, with references into components.schemas. */
export const componentSchemas = (): Record<string, JsonObject> => {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(COMPONENTS)) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, {
    io: "input",
    unrepresentable: "any",
    uri: (id) => `#/components/schemas/${id}`,
  }) as { schemas: Record<string, JsonObject> };
  return Object.fromEntries(
    Object.entries(schemas).map(([id, schema]) => {
      const { $schema: _s, $id: _i, ...rest } = schema;
      return [id, rest];
    }),
  );
};

/** One field of a zod object as a parameter's schema: the same rules the route applies to it. */
export const fieldSchema = (schema: z.ZodType): JsonObject => {
  const { $schema: _s, ...rest } = z.toJSONSchema(schema, {
    io: "input",
    unrepresentable: "any",
  }) as JsonObject;
  return rest;
};
