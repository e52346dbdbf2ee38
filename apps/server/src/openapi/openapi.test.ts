import { PUBLISHED_REQUEST_FIELDS } from "@payreq/contracts";
import { Validator } from "@seriousme/openapi-schema-validator";
import { describe, expect, it } from "vitest";
import { createTestApp } from "../../test/harness.ts";

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

const fetchDocument = async () => {
  const t = await createTestApp();
  const res = await t.app.request("/openapi.json");
  expect(res.status).toBe(200);
  // biome-ignore lint/suspicious/noExplicitAny: walking an arbitrary JSON document
  return (await res.json()) as Record<string, any>;
};

describe("GET /openapi.json", () => {
  it("is a valid OpenAPI 3.1 document", async () => {
    const document = await fetchDocument();
    expect(document.openapi).toBe("3.1.0");
    const result = await new Validator().validate(document);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it("has the /payment base URL, the basicAuth scheme and the published path", async () => {
    const document = await fetchDocument();
    expect(document.servers).toEqual([{ url: "/payment" }]);
    expect(document.components.securitySchemes.basicAuth).toEqual({ type: "http", scheme: "basic" });
    expect(document.security).toEqual([{ basicAuth: [] }]);
    expect(Object.keys(document.paths)).toEqual([
      "/aggregator/v1/departments/{departmentUuid}/payment-requests",
    ]);
  });

  it("describes the request with exactly the published properties and types", async () => {
    const document = await fetchDocument();
    const post = document.paths["/aggregator/v1/departments/{departmentUuid}/payment-requests"].post;
    const ref = post.requestBody.content["application/json"].schema.$ref as string;
    const schema = document.components.schemas[ref.split("/").at(-1) ?? ""];
    expect(Object.keys(schema.properties)).toEqual(PUBLISHED_REQUEST_FIELDS);
    for (const [name, property] of Object.entries(schema.properties as Record<string, { type: string }>)) {
      expect(property.type, name).toBe(PUBLISHED_TYPES[name] ?? "string");
    }
    expect(schema.additionalProperties).toBe(false);
  });

  it("lists the 200 response and every error status of the catalog", async () => {
    const document = await fetchDocument();
    const responses =
      document.paths["/aggregator/v1/departments/{departmentUuid}/payment-requests"].post.responses;
    for (const status of [
      "200",
      "400",
      "401",
      "403",
      "404",
      "409",
      "413",
      "415",
      "422",
      "429",
      "500",
      "502",
      "504",
    ]) {
      expect(responses, status).toHaveProperty(status);
    }
    const ok = document.components.schemas.SendPaymentRequestResponse;
    for (const field of ["errors", "warnings", "paymentUrl", "textSent", "emailSent"])
      expect(ok.properties).toHaveProperty(field);
  });
});
