import { PUBLISHED_REQUEST_FIELDS } from "@payreq/contracts";
import { Validator } from "@seriousme/openapi-schema-validator";
import { beforeAll, describe, expect, it } from "vitest";
import { basic, createTestApp } from "../../test/harness.ts";
import { createDocumentValidator, type OpenApiDocument } from "../../test/openapi-validator.ts";

const PUBLISHED_TYPES: Record<string, string> = {
  amount: "number",
  refundedAmount: "number",
  reminderMileage: "integer",
  invoiceAttributes: "object",
  attachInvoice: "boolean",
  esignInvoice: "boolean",
  sendAsText: "boolean",
  sendAsEmail: "boolean",
};

const SEND = "/aggregator/v1/departments/{departmentUuid}/payment-requests";
const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/** Routes with no place in a REST document: tRPC (the typed client's), and the docs page's own assets. */
/** tRPC, the pages' own assets, and middleware mounted on a page group (its security headers). */
const UNDOCUMENTED = new Set([
  "/*",
  "/trpc/*",
  "/docs/init.js",
  "/docs/assets/:file",
  "/docs/*",
  "/pay/*",
  "/pay-assets/page.css",
]);

let t: Awaited<ReturnType<typeof createTestApp>>;
let document: OpenApiDocument;

beforeAll(async () => {
  t = await createTestApp();
  const res = await t.app.request("/openapi.json");
  expect(res.status).toBe(200);
  document = (await res.json()) as OpenApiDocument;
});

/** "GET /payment/aggregator/v1/audit-log/:requestId" for each operation, in Hono's notation. */
const documentedOperations = () =>
  Object.entries(document.paths as Record<string, OpenApiDocument>).flatMap(([key, item]) => {
    const base = ((item.servers ?? document.servers)[0].url as string).replace(/\/$/, "");
    const path = `${base}${key}`.replace(/\{([^}]+)\}/g, ":$1");
    return METHODS.filter((method) => item[method]).map((method) => `${method.toUpperCase()} ${path}`);
  });

describe("GET /openapi.json", () => {
  it("is a valid OpenAPI 3.1 document", async () => {
    expect(document.openapi).toBe("3.1.0");
    const result = await new Validator().validate(document);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it("has the /payment base URL, the basicAuth scheme and the published path", () => {
    expect(document.servers).toEqual([{ url: "/payment" }]);
    expect(document.components.securitySchemes.basicAuth).toMatchObject({ type: "http", scheme: "basic" });
    expect(document.security).toEqual([{ basicAuth: [] }]);
    expect(document.paths[SEND].post.operationId).toBe("sendPaymentRequest");
  });

  it("documents every route the app serves, and serves every route it documents", () => {
    const documented = new Set(documentedOperations());
    const documentedPaths = new Set([...documented].map((operation) => operation.split(" ")[1]));
    const served = new Set<string>();
    for (const route of t.app.routes) {
      // The ops console is pages for people (signed in with a form), not an API to generate a client for.
      if (UNDOCUMENTED.has(route.path) || route.path.startsWith("/ops")) continue;
      // app.use middleware and catch-all method handlers (405) are "ALL": their path must be documented.
      if (route.method === "ALL") expect(documentedPaths, route.path).toContain(route.path);
      else served.add(`${route.method} ${route.path}`);
    }
    expect([...served].filter((operation) => !documented.has(operation))).toEqual([]);
    expect([...documented].filter((operation) => !served.has(operation))).toEqual([]);
  });

  it("describes the request with exactly the published properties and types", () => {
    const ref = document.paths[SEND].post.requestBody.content["application/json"].schema.$ref as string;
    const schema = document.components.schemas[ref.split("/").at(-1) ?? ""];
    expect(Object.keys(schema.properties)).toEqual(PUBLISHED_REQUEST_FIELDS);
    for (const [name, property] of Object.entries(schema.properties as Record<string, { type: string }>)) {
      expect(property.type, name).toBe(PUBLISHED_TYPES[name] ?? "string");
    }
    expect(schema.additionalProperties).toBe(false);
  });

  it("lists the 200 response and every error status the published endpoint can answer", () => {
    const responses = document.paths[SEND].post.responses;
    for (const status of ["200", "400", "401", "403", "404", "405", "409", "413", "415", "422", "429"]) {
      expect(responses, status).toHaveProperty(status);
    }
    for (const status of ["500", "502", "503", "504"]) expect(responses, status).toHaveProperty(status);
    const ok = document.components.schemas.SendPaymentRequestResponse;
    for (const field of ["errors", "warnings", "paymentUrl", "textSent", "emailSent"])
      expect(ok.properties).toHaveProperty(field);
  });

  it("documents the audit list with every filter and the cursor", () => {
    const names = document.paths["/aggregator/v1/audit-log"].get.parameters.map(
      (p: { name: string }) => p.name,
    );
    expect(names).toEqual([
      "departmentUuid",
      "since",
      "until",
      "outcome",
      "httpStatus",
      "errorCode",
      "username",
      "orderNumber",
      "orderUuid",
      "invoiceUuid",
      "customerUuid",
      "idempotencyKey",
      "requestId",
      "limit",
      "cursor",
    ]);
  });

  it("gives every JSON request and response an example that its schema accepts", () => {
    const { validate } = createDocumentValidator(document);
    let checked = 0;
    for (const [path, item] of Object.entries(document.paths as Record<string, OpenApiDocument>)) {
      for (const method of METHODS.filter((m) => item[m])) {
        const operation = item[method];
        const bodies = [
          ["request", operation.requestBody?.content?.["application/json"]],
          ...Object.entries(operation.responses).map(([status, r]) => [
            status,
            (r as OpenApiDocument).content?.["application/json"],
          ]),
        ] as [string, OpenApiDocument | undefined][];
        for (const [what, media] of bodies) {
          if (!media || path === "/openapi.json") continue;
          const examples =
            media.example !== undefined ? [media.example] : Object.values(media.examples ?? {});
          expect(examples.length, `${method} ${path} ${what}`).toBeGreaterThan(0);
          for (const example of examples) {
            const value = media.example !== undefined ? example : (example as { value: unknown }).value;
            expect(validate(media.schema, value), `${method} ${path} ${what}`).toEqual([]);
            checked++;
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(100);
  });
});

describe("the v4, health and payment page routes answer what the document says", () => {
  it("matches each 200 and a 404 of the v4 endpoints, and the health checks", async () => {
    const { checkResponse } = createDocumentValidator(document);
    const { aggregator } = t.demo.credentials;
    const auth = basic(aggregator.username, aggregator.password);
    const base = `/payment/v4/departments/${t.dept}`;
    const call = async (method: "GET" | "POST", path: string, documented: string, body?: unknown) => {
      const res = await t.app.request(`${base}${path}`, {
        method,
        headers: { Authorization: auth, "Content-Type": "application/json" },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const json = (await res.json()) as OpenApiDocument;
      const key = `/v4/departments/{departmentUuid}${documented}`;
      expect(checkResponse(key, method.toLowerCase(), res.status, json), `${method} ${path}`).toEqual([]);
      return { status: res.status, json };
    };
    const order = {
      orderNumber: "RO-DOC-1",
      orderType: "RO",
      customerUuid: t.demo.ids.customers.sunriseFull,
    };

    expect((await call("GET", "", "")).status).toBe(200);
    const created = await call("POST", "/dealer-orders", "/dealer-orders", { ...order, amount: 10 });
    const orderUuid = created.json.dealerOrder.dealerOrderUuid as string;
    expect(
      (await call("GET", "/dealer-orders?orderType=RO&orderNumber=RO-DOC-1", "/dealer-orders")).status,
    ).toBe(200);
    expect((await call("GET", `/dealer-orders/${orderUuid}`, "/dealer-orders/{orderUuid}")).status).toBe(200);
    const invoice = await call("POST", "/invoices", "/invoices", { orderUuid, amount: 10 });
    const guid = invoice.json.invoice.guid as string;
    const openInvoice = "/dealer-orders/{orderUuid}/open-invoice";
    expect((await call("GET", `/dealer-orders/${orderUuid}/open-invoice`, openInvoice)).status).toBe(200);
    expect((await call("GET", `/invoices/${guid}`, "/invoices/{invoiceGuid}")).status).toBe(200);
    const sent = await call("POST", "/payment-requests", "/payment-requests", {
      invoiceGuid: guid,
      sendAsText: true,
    });
    expect(sent.status).toBe(200);
    expect((await call("GET", "/invoices/no-such-invoice", "/invoices/{invoiceGuid}")).status).toBe(404);
    expect((await call("POST", "/invoices", "/invoices", { orderUuid, amount: -1 })).status).toBe(400);

    for (const path of ["/healthz", "/readyz"]) {
      const res = await t.app.request(path);
      expect(checkResponse(path, "get", res.status, await res.json())).toEqual([]);
    }
    // The test core's payment URLs have another base; the token is their last segment.
    const page = await t.app.request(`/pay/${String(sent.json.paymentLink).split("/").at(-1)}`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    expect(document.paths["/pay/{token}"].get.responses["200"].content).toHaveProperty("text/html");
  });
});
