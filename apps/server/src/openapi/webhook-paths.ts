import { type ErrorName, Scopes, WEBHOOK_EVENT_TYPES, WebhookDeliveriesQuery } from "@payreq/contracts";
import {
  webhookCreateExample,
  webhookDeliveriesExample,
  webhookEndpointExample,
  webhookEndpointsExample,
  webhookReplayExample,
  webhookWithSecretExample,
} from "./examples.ts";
import { departmentParameter, pathParameter, queryParameters } from "./parameters.ts";
import { AUTHENTICATED_ERRORS, BODY_ERRORS, errorResponses, jsonResponse } from "./responses.ts";
import { type ComponentName, schemaRef } from "./schemas.ts";

const BASE = "/aggregator/v1/departments/{departmentUuid}/webhook-endpoints";
const TAGS = ["Webhooks"];
const endpointId = pathParameter("endpointId", { type: "string" }, "The endpoint's id (ep_…)");
const deliveryId = pathParameter("deliveryId", { type: "string" }, "The delivery's id (dlv_…)");

const ERRORS_OF_ALL: ErrorName[] = [
  ...AUTHENTICATED_ERRORS,
  "INVALID_REQUEST_DATA",
  "INVALID_SCOPE_DEPARTMENT",
  "INVALID_DEPARTMENT_TOKEN",
];

type Operation = {
  operationId: string;
  summary: string;
  parameters?: unknown[];
  request?: { schema: ComponentName; example: unknown };
  response: { status?: "200" | "201"; schema: ComponentName; example: unknown };
  errors?: ErrorName[];
};

const operation = (o: Operation) => ({
  operationId: o.operationId,
  tags: TAGS,
  summary: o.summary,
  description: `ApiScope: ${Scopes.webhooksManage}. API Scope Level: DepartmentScope (a dealer-wide endpoint needs it for every department of the dealer). Every call is audited; a signing secret is never.`,
  parameters: [departmentParameter, ...(o.parameters ?? [])],
  ...(o.request
    ? {
        requestBody: {
          required: true,
          content: {
            "application/json": { schema: schemaRef(o.request.schema), example: o.request.example },
          },
        },
      }
    : {}),
  responses: {
    [o.response.status ?? "200"]: jsonResponse("OK", o.response.schema, o.response.example),
    ...errorResponses([...ERRORS_OF_ALL, ...(o.request ? BODY_ERRORS : []), ...(o.errors ?? [])]),
  },
});

const endpointAction = (operationId: string, summary: string, response: Operation["response"]) =>
  operation({
    operationId,
    summary,
    parameters: [endpointId],
    response,
    errors: ["WEBHOOK_ENDPOINT_NOT_FOUND"],
  });

/**
 * The department's webhook endpoints. Each event is POSTed as JSON `{ id, type, createdAt, dealerUuid,
 * departmentUuid, data }`, signed per Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature).
 */
export const webhookPaths = {
  [BASE]: {
    get: operation({
      operationId: "listWebhookEndpoints",
      summary: "The endpoints that hear this department (its own and its dealer's dealer-wide ones)",
      response: { schema: "WebhookEndpointListResponse", example: webhookEndpointsExample },
    }),
    post: operation({
      operationId: "createWebhookEndpoint",
      summary: `Register an endpoint for some or all event types (${WEBHOOK_EVENT_TYPES.join(", ")}); its signing secret is answered once`,
      request: { schema: "WebhookEndpointCreate", example: webhookCreateExample },
      response: {
        status: "201",
        schema: "WebhookEndpointWithSecretResponse",
        example: webhookWithSecretExample,
      },
      errors: ["WEBHOOK_DESTINATION_REFUSED"],
    }),
  },
  [`${BASE}/{endpointId}`]: {
    get: endpointAction("getWebhookEndpoint", "One endpoint", {
      schema: "WebhookEndpointResponse",
      example: webhookEndpointExample,
    }),
    delete: endpointAction("removeWebhookEndpoint", "Remove an endpoint and its deliveries", {
      schema: "WebhookRemovedResponse",
      example: { errors: [], warnings: [], removed: "ep_01a24…" },
    }),
  },
  [`${BASE}/{endpointId}/disable`]: {
    post: endpointAction(
      "disableWebhookEndpoint",
      "Stop sending to it (deliveries wait until it is enabled)",
      {
        schema: "WebhookEndpointResponse",
        example: webhookEndpointExample,
      },
    ),
  },
  [`${BASE}/{endpointId}/enable`]: {
    post: endpointAction("enableWebhookEndpoint", "Send to it again", {
      schema: "WebhookEndpointResponse",
      example: webhookEndpointExample,
    }),
  },
  [`${BASE}/{endpointId}/rotate-secret`]: {
    post: endpointAction(
      "rotateWebhookSecret",
      "A new signing secret, answered once; the old one also signs for 24 hours",
      { schema: "WebhookEndpointWithSecretResponse", example: webhookWithSecretExample },
    ),
  },
  [`${BASE}/{endpointId}/deliveries`]: {
    get: operation({
      operationId: "listWebhookDeliveries",
      summary: "The endpoint's deliveries, newest first, with every attempt",
      parameters: [endpointId, ...queryParameters(WebhookDeliveriesQuery)],
      response: { schema: "WebhookDeliveryListResponse", example: webhookDeliveriesExample },
      errors: ["WEBHOOK_ENDPOINT_NOT_FOUND"],
    }),
  },
  [`${BASE}/{endpointId}/deliveries/{deliveryId}/replay`]: {
    post: operation({
      operationId: "replayWebhookDelivery",
      summary: "Send one delivery again now, with its original webhook-id (one attempt)",
      parameters: [endpointId, deliveryId],
      response: { schema: "WebhookReplayResponse", example: webhookReplayExample },
      errors: ["WEBHOOK_ENDPOINT_NOT_FOUND", "WEBHOOK_DELIVERY_NOT_FOUND"],
    }),
  },
  [`${BASE}/{endpointId}/replay`]: {
    post: operation({
      operationId: "replayWebhookDeliveriesSince",
      summary: "Send every delivery of the endpoint since a time again",
      parameters: [endpointId],
      request: { schema: "WebhookReplayRequest", example: { since: "2026-12-04T00:00:00Z" } },
      response: { schema: "WebhookReplayResponse", example: webhookReplayExample },
      errors: ["WEBHOOK_ENDPOINT_NOT_FOUND"],
    }),
  },
};
