import { HEADERS } from "./responses.ts";
import { schemaRef } from "./schemas.ts";

/** These live at the root, not under /payment: a path-level server overrides the document's base URL. */
const ROOT = { servers: [{ url: "/" }] };
const PUBLIC = { security: [] };

const html = (description: string) => ({
  description,
  headers: {
    "Cache-Control": { schema: { type: "string", enum: ["no-store"] } },
    "Referrer-Policy": { schema: { type: "string", enum: ["no-referrer"] } },
  },
  content: { "text/html": { schema: { type: "string" } } },
});

const token = {
  name: "token",
  in: "path",
  required: true,
  description: "The token of the payment URL (64 characters of base64url)",
  schema: { type: "string" },
};

const pdf = (description: string) => ({
  description,
  headers: {
    "Content-Disposition": {
      description: "inline, with the invoice's file name",
      schema: { type: "string", example: 'inline; filename="invoice.pdf"' },
    },
  },
  content: { "application/pdf": { schema: { type: "string", contentMediaType: "application/pdf" } } },
});

const paymentPage = (operationId: string, summary: string, ok: ReturnType<typeof html | typeof pdf>) => ({
  ...ROOT,
  get: {
    ...PUBLIC,
    operationId,
    tags: ["Payment page"],
    summary,
    parameters: [token],
    responses: {
      "200": ok,
      "404": html("Unknown payment link"),
      "410": html("The payment link has expired"),
    },
  },
});

const json = (description: string, schema: ReturnType<typeof schemaRef>, example: unknown) => ({
  description,
  headers: { "X-Request-Id": HEADERS["X-Request-Id"] },
  content: { "application/json": { schema, example } },
});

/** The payment page customers open, health checks, and this document itself. */
export const publicPaths = {
  "/pay/{token}": paymentPage(
    "showPaymentPage",
    "What a payment link asks for now",
    html("The amount due now, or that the invoice was paid or cancelled"),
  ),
  "/pay/{token}/invoice": paymentPage(
    "showPaymentInvoice",
    "The invoice behind a payment link, with its PDF",
    html("The invoice"),
  ),
  "/pay/{token}/invoice.pdf": paymentPage(
    "downloadInvoicePdf",
    "The invoice as a PDF: the same document an email with attachInvoice carries",
    pdf("The invoice PDF"),
  ),
  "/healthz": {
    ...ROOT,
    get: {
      ...PUBLIC,
      operationId: "health",
      tags: ["Health"],
      summary: "The process is up",
      responses: { "200": json("Up", schemaRef("HealthResponse"), { status: "ok" }) },
    },
  },
  "/readyz": {
    ...ROOT,
    get: {
      ...PUBLIC,
      operationId: "readiness",
      tags: ["Health"],
      summary: "The database is open and migrated, and the process is not draining",
      description:
        "For the load balancer: 503 while the database is unreachable, and from the moment the process gets SIGTERM or SIGINT (draining: it still serves calls for PAYREQ_DRAIN_TIMEOUT, then stops accepting). /healthz (liveness) stays 200 while draining.",
      responses: {
        "200": json("Ready", schemaRef("ReadinessResponse"), { status: "ready" }),
        "503": json("Not ready", schemaRef("ReadinessResponse"), { status: "database unavailable" }),
      },
    },
  },
  "/openapi.json": {
    ...ROOT,
    get: {
      ...PUBLIC,
      operationId: "openApiDocument",
      tags: ["Documentation"],
      summary: "This document (OpenAPI 3.1)",
      responses: { "200": { description: "The document", content: { "application/json": { schema: {} } } } },
    },
  },
  "/docs": {
    ...ROOT,
    get: {
      ...PUBLIC,
      operationId: "apiDocumentation",
      tags: ["Documentation"],
      summary: "This document rendered (Swagger UI, served by the service itself)",
      responses: {
        "200": { description: "The page", content: { "text/html": { schema: { type: "string" } } } },
      },
    },
  },
};
