import { describe, expect, it } from "vitest";
import * as z from "zod";
import { PUBLISHED_REQUEST_FIELDS, SendPaymentRequestBody } from "./send-payment-request.ts";
import { PUBLISHED_RESPONSE_FIELDS, SendPaymentRequestResponse } from "./send-payment-request-response.ts";

type JsonSchema = {
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
  type?: string;
  format?: string;
  properties?: Record<string, JsonSchema>;
  additionalProperties?: boolean | JsonSchema;
  required?: string[];
  enum?: unknown[];
};

/** The root schema; a schema with a registered id is emitted as a `$ref` into `$defs`, so follow it. */
const rootOf = (schema: JsonSchema): JsonSchema => {
  const ref = schema.$ref;
  if (ref === undefined) return schema;
  const name = ref.replace(/^#\/\$defs\//, "");
  const target = schema.$defs?.[name];
  expect(target, `unresolved ${ref}`).toBeDefined();
  return target ?? {};
};

/** The 22 fields of the published body (send-payment-request.txt), in the published order, with their JSON types. */
const PUBLISHED_BODY: [string, string][] = [
  ["amount", "number"],
  ["description", "string"],
  ["refundedAmount", "number"],
  ["paidDate", "string"],
  ["signatureFileName", "string"],
  ["reminderDate", "string"],
  ["reminderMileage", "integer"],
  ["fileName", "string"],
  ["paymentDeclines", "string"],
  ["invoiceAttributes", "object"],
  ["dealerUuid", "string"],
  ["orderUuid", "string"],
  ["customerUuid", "string"],
  ["dealerAssociateDepartmentUuid", "string"],
  ["dealerAssociateUuid", "string"],
  ["dealerAssociateUserUuid", "string"],
  ["attachInvoice", "boolean"],
  ["esignInvoice", "boolean"],
  ["sendAsText", "boolean"],
  ["sendAsEmail", "boolean"],
  ["orderNumber", "string"],
  ["orderType", "string"],
];

describe("JSON Schema of SendPaymentRequestBody (input)", () => {
  const body = rootOf(z.toJSONSchema(SendPaymentRequestBody, { io: "input" }) as JsonSchema);
  const properties = body.properties ?? {};

  it("is an object schema", () => {
    expect(body.type).toBe("object");
  });

  it("has exactly the 22 published property names, in the published order", () => {
    expect(PUBLISHED_BODY).toHaveLength(22);
    expect(Object.keys(properties)).toEqual(PUBLISHED_BODY.map(([name]) => name));
    expect([...PUBLISHED_REQUEST_FIELDS]).toEqual(PUBLISHED_BODY.map(([name]) => name));
  });

  it.each(PUBLISHED_BODY)("gives %s the JSON type %s", (name, type) => {
    expect(properties[name]?.type).toBe(type);
  });

  it.each(["paidDate", "reminderDate"])("marks %s as format date-time", (name) => {
    expect(properties[name]?.format).toBe("date-time");
  });

  it("describes invoiceAttributes as a map of strings", () => {
    expect(properties.invoiceAttributes?.additionalProperties).toMatchObject({ type: "string" });
  });

  it("forbids additional properties", () => {
    expect(body.additionalProperties).toBe(false);
  });

  it('requires exactly ["amount"]', () => {
    expect(body.required).toEqual(["amount"]);
  });
});

describe("JSON Schema of SendPaymentRequestResponse (output)", () => {
  const response = rootOf(z.toJSONSchema(SendPaymentRequestResponse, { io: "output" }) as JsonSchema);
  const properties = response.properties ?? {};

  it("keeps every published response field, with its published type", () => {
    expect(Object.keys(properties)).toEqual(expect.arrayContaining([...PUBLISHED_RESPONSE_FIELDS]));
    expect(properties.errors?.type).toBe("array");
    expect(properties.warnings?.type).toBe("array");
    expect(properties.paymentUrl?.type).toBe("string");
    expect(properties.textSent).toMatchObject({ type: "string", enum: ["SUCCESS", "FAILURE"] });
    expect(properties.emailSent).toMatchObject({ type: "string", enum: ["SUCCESS", "FAILURE"] });
  });

  it("requires everything but textSent and emailSent", () => {
    expect([...(response.required ?? [])].sort()).toEqual(
      Object.keys(properties)
        .filter((name) => name !== "textSent" && name !== "emailSent")
        .sort(),
    );
  });
});
