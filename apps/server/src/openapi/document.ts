import {
  ERROR_CATALOG,
  ErrorEnvelope,
  ErrorItem,
  Scopes,
  SendPaymentRequestBody,
  SendPaymentRequestResponse,
  WarningItem,
} from "@payreq/contracts";
import * as z from "zod";

type JsonObject = Record<string, unknown>;

/** JSON Schema 2020-12 for each contract schema, with references into components.schemas. */
const componentSchemas = (): Record<string, JsonObject> => {
  const registry = z.registry<{ id: string }>();
  registry.add(SendPaymentRequestBody, { id: "SendPaymentRequestBody" });
  registry.add(SendPaymentRequestResponse, { id: "SendPaymentRequestResponse" });
  registry.add(ErrorEnvelope, { id: "ErrorEnvelope" });
  registry.add(ErrorItem, { id: "Error" });
  registry.add(WarningItem, { id: "Warning" });
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

const statusDescriptions: Record<number, string> = {
  400: "Bad input: malformed JSON, an invalid field, an unknown field, or a body object that does not exist",
  401: "Missing, malformed or wrong credentials (WWW-Authenticate is sent)",
  403: "The credential lacks the scope for this department",
  404: "Unknown department",
  405: "Method not allowed",
  409: "A request with the same Idempotency-Key is still running",
  413: "Body over 64 KiB",
  415: "Content-Type is not application/json",
  422: "Idempotency-Key reused with a different request",
  429: "Too many failed attempts",
  500: "Internal error",
  502: "A downstream service failed",
  503: "Busy; retry later",
  504: "A downstream service timed out",
};

const errorResponses = () => {
  const statuses = [...new Set(ERROR_CATALOG.map((e) => e.status))].filter((s) => s >= 400).sort();
  return Object.fromEntries(
    statuses.map((status) => {
      const codes = ERROR_CATALOG.filter((e) => e.status === status).map((e) => `${e.code} ${e.title}`);
      return [
        String(status),
        {
          description: `${statusDescriptions[status] ?? "Error"}. Codes: ${codes.join(", ")}`,
          content: { "application/json": { schema: { $ref: "#/components/schemas/ErrorEnvelope" } } },
        },
      ];
    }),
  );
};

/** The OpenAPI 3.1 document of the published REST endpoint, generated from the contracts. */
export const createOpenApiDocument = () => ({
  openapi: "3.1.0",
  info: {
    title: "payreq — Send Payment Request",
    version: "1.0.0",
    description:
      "Aggregates 3 endpoints: creates a DealerOrder (if orderUuid is not passed), creates an Invoice (if no open Invoice is present), creates a Payment Request, and sends its URL by text and/or email.",
  },
  servers: [{ url: "/payment" }],
  security: [{ basicAuth: [] }],
  paths: {
    "/aggregator/v1/departments/{departmentUuid}/payment-requests": {
      post: {
        operationId: "sendPaymentRequest",
        summary: "Send Payment Request",
        description: `ApiScope: ${Scopes.sendPaymentRequest}. API Scope Level: DepartmentScope.`,
        parameters: [
          {
            name: "departmentUuid",
            in: "path",
            required: true,
            schema: { type: "string", pattern: "^[A-Za-z0-9_-]{1,64}$" },
          },
          {
            name: "Idempotency-Key",
            in: "header",
            required: false,
            description:
              "1-255 printable ASCII characters; a retry with the same key and body replays the first response.",
            schema: { type: "string", minLength: 1, maxLength: 255 },
          },
        ],
        requestBody: {
          required: true,
          content: {
            "application/json": { schema: { $ref: "#/components/schemas/SendPaymentRequestBody" } },
          },
        },
        responses: {
          "200": {
            description: "OK",
            headers: { "X-Request-Id": { schema: { type: "string" } } },
            content: {
              "application/json": { schema: { $ref: "#/components/schemas/SendPaymentRequestResponse" } },
            },
          },
          ...errorResponses(),
        },
      },
    },
  },
  components: {
    securitySchemes: { basicAuth: { type: "http", scheme: "basic" } },
    schemas: componentSchemas(),
  },
});
