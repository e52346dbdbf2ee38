import { describe, expect, it } from "vitest";
import { SendPaymentRequestBody, SendPaymentRequestInput } from "./send-payment-request.ts";

/** The example body of send-payment-request.txt, verbatim (placeholder values included). */
const PUBLISHED_EXAMPLE = `{
"amount": 0,
"description": "string",
"refundedAmount": 0,
"paidDate": "2025-03-28T11:34:46.520Z",
"signatureFileName": "string",
"reminderDate": "2025-03-28T11:34:46.520Z",
"reminderMileage": 0,
"fileName": "string",
"paymentDeclines": "string",
"invoiceAttributes": {},
"dealerUuid": "string",
"orderUuid": "string",
"customerUuid": "string",
"dealerAssociateDepartmentUuid": "string",
"dealerAssociateUuid": "string",
"dealerAssociateUserUuid": "string",
"attachInvoice": true,
"esignInvoice": true,
"sendAsText": true,
"sendAsEmail": true,
"orderNumber": "string",
"orderType": "string"
}`;

/** A minimal valid body without orderUuid: the order and customer are named instead. */
const base = { amount: 100, orderNumber: "RO-1001", orderType: "RO", customerUuid: "cust_1" } as const;

const with_ = (fields: Record<string, unknown>) => ({ ...base, ...fields });

const expectAccepted = (input: unknown) => {
  const result = SendPaymentRequestBody.safeParse(input);
  expect(result.success, JSON.stringify(result.error?.issues)).toBe(true);
  return result.data;
};

/** Rejected, with an issue at `path` (dot-joined). */
const expectRejected = (input: unknown, path: string) => {
  const result = SendPaymentRequestBody.safeParse(input);
  expect(result.success).toBe(false);
  expect(result.error?.issues.map((issue) => issue.path.join("."))).toContain(path);
};

const repeat = (length: number, chars = "x") => chars.repeat(length).slice(0, length);

describe("SendPaymentRequestBody: the published example", () => {
  it("parses the example body of send-payment-request.txt exactly as published", () => {
    const parsed = JSON.parse(PUBLISHED_EXAMPLE) as unknown;
    expect(expectAccepted(parsed)).toEqual(parsed);
  });

  it("accepts the minimal body: amount plus order and customer", () => {
    expect(expectAccepted(base)).toEqual(base);
  });
});

describe("amount", () => {
  it.each([0, 19.99, 0.01, 1, 100.5, 9_999_999.99, 10_000_000])("accepts %s", (amount) => {
    expect(expectAccepted(with_({ amount }))?.amount).toBe(amount);
  });

  it("is required", () => {
    const { amount: _omitted, ...withoutAmount } = base;
    expectRejected(withoutAmount, "amount");
  });

  it.each([
    ["negative", -0.01],
    ["negative integer", -1],
    ["above 10,000,000", 10_000_000.01],
    ["far above the maximum", 1e12],
    ["3 decimals", 10.005],
    ["3 decimals below a cent", 0.001],
    ["3 decimals, large", 1_234_567.891],
    ["NaN", Number.NaN],
    ["Infinity", Number.POSITIVE_INFINITY],
    ["a NaN-like string", "NaN"],
    ["a numeric string", "19.99"],
    ["a boolean", true],
    ["null", null],
    ["an object", { value: 1 }],
  ])("rejects %s (%s)", (_label, amount) => {
    expectRejected(with_({ amount }), "amount");
  });

  it("accepts every whole-cent amount in a wide sample (no float false negatives)", () => {
    const rejected: number[] = [];
    const check = (cents: number) => {
      const amount = cents / 100;
      if (!SendPaymentRequestBody.safeParse(with_({ amount })).success) rejected.push(amount);
    };
    for (let cents = 0; cents <= 20_000; cents++) check(cents);
    for (let cents = 999_990_000; cents <= 1_000_000_000; cents++) check(cents);
    expect(rejected).toEqual([]);
  });
});

describe("refundedAmount", () => {
  it.each([
    ["0", 100, 0],
    ["equal to amount", 100, 100],
    ["below amount, 2 decimals", 100, 99.99],
    ["equal to a zero amount", 0, 0],
  ])("accepts %s", (_label, amount, refundedAmount) => {
    expect(expectAccepted(with_({ amount, refundedAmount }))?.refundedAmount).toBe(refundedAmount);
  });

  it.each([
    ["greater than amount", 100, 100.01],
    ["greater than a zero amount", 0, 0.01],
    ["3 decimals", 100, 10.005],
    ["negative", 100, -1],
    ["a string", 100, "1"],
  ])("rejects %s", (_label, amount, refundedAmount) => {
    expectRejected(with_({ amount, refundedAmount }), "refundedAmount");
  });
});

describe.each([
  ["description", 1000],
  ["paymentDeclines", 1000],
  ["fileName", 255],
  ["signatureFileName", 255],
])("%s (at most %i characters)", (field, max) => {
  it.each([0, 1, max])("accepts %i characters", (length) => {
    const value = repeat(length);
    expect(expectAccepted(with_({ [field]: value }))).toMatchObject({ [field]: value });
  });

  it(`rejects ${max + 1} characters`, () => {
    expectRejected(with_({ [field]: repeat(max + 1) }), field);
  });

  it.each([42, true, null, ["a"]])("rejects a non-string (%j)", (value) => {
    expectRejected(with_({ [field]: value }), field);
  });
});

describe.each(["paidDate", "reminderDate"])("%s", (field) => {
  it.each([
    "2025-03-28T11:34:46.520Z",
    "2025-03-28T11:34:46Z",
    "2025-03-28T11:34:46+05:30",
    "2025-03-28T11:34:46.5-08:00",
    "2024-02-29T00:00:00Z",
  ])("accepts %s", (value) => {
    expect(expectAccepted(with_({ [field]: value }))).toMatchObject({ [field]: value });
  });

  it.each([
    ["without an offset", "2025-03-28T11:34:46"],
    ["without an offset, with fraction", "2025-03-28T11:34:46.520"],
    ["a word", "yesterday"],
    ["a date only", "2025-03-28"],
    ["an impossible date", "2025-02-30T11:34:46Z"],
    ["an empty string", ""],
    ["epoch milliseconds", 1743161686520],
  ])("rejects %s (%j)", (_label, value) => {
    expectRejected(with_({ [field]: value }), field);
  });
});

describe("reminderMileage", () => {
  it.each([0, 1, 120_000])("accepts %i", (reminderMileage) => {
    expect(expectAccepted(with_({ reminderMileage }))?.reminderMileage).toBe(reminderMileage);
  });

  it.each([-1, 1.5, "10", Number.NaN, true])("rejects %j", (reminderMileage) => {
    expectRejected(with_({ reminderMileage }), "reminderMileage");
  });
});

describe("invoiceAttributes", () => {
  const attributes = (count: number) =>
    Object.fromEntries(Array.from({ length: count }, (_, i) => [`key${i}`, `value${i}`]));

  it.each([
    ["empty", {}],
    ["string values", { vin: "1HGCM82633A004352", advisor: "Sam" }],
    ["an empty string value", { note: "" }],
    ["50 keys", attributes(50)],
    ["a 64-character key", { [repeat(64, "k")]: "v" }],
    ["a 1000-character value", { note: repeat(1000) }],
    ["keys that look like body fields (it is a map, not the body)", { sendAsTxt: "yes", amount: "1" }],
  ])("accepts %s", (_label, invoiceAttributes) => {
    expect(expectAccepted(with_({ invoiceAttributes }))?.invoiceAttributes).toEqual(invoiceAttributes);
  });

  it.each([
    ["a number value", { mileage: 12 }, "invoiceAttributes.mileage"],
    ["a boolean value", { paid: true }, "invoiceAttributes.paid"],
    ["a null value", { note: null }, "invoiceAttributes.note"],
    ["a nested object value", { nested: { a: "b" } }, "invoiceAttributes.nested"],
    ["51 keys", attributes(51), "invoiceAttributes"],
    ["a 65-character key", { [repeat(65, "k")]: "v" }, `invoiceAttributes.${repeat(65, "k")}`],
    ["a 1001-character value", { note: repeat(1001) }, "invoiceAttributes.note"],
  ])("rejects %s", (_label, invoiceAttributes, path) => {
    expectRejected(with_({ invoiceAttributes }), path);
  });

  it.each([
    ["an array", ["a"]],
    ["a string", "vin=1"],
    ["null", null],
  ])("rejects %s in place of the map", (_label, invoiceAttributes) => {
    expectRejected(with_({ invoiceAttributes }), "invoiceAttributes");
  });
});

describe.each([
  "dealerUuid",
  "orderUuid",
  "customerUuid",
  "dealerAssociateDepartmentUuid",
  "dealerAssociateUuid",
  "dealerAssociateUserUuid",
])("identifier %s", (field) => {
  it.each([
    ["1 character", "a"],
    ["64 characters of every allowed class", repeat(64, "Az09_-")],
    ["a UUID", "3f2504e0-4f89-11d3-9a0c-0305e82c3301"],
  ])("accepts %s", (_label, value) => {
    expect(expectAccepted(with_({ [field]: value }))).toMatchObject({ [field]: value });
  });

  it.each([
    ["65 characters", repeat(65, "Az09_-")],
    ["a '/'", "abc/def"],
    ["a space", "abc def"],
    ["a '.'", "abc.def"],
    ["a non-ASCII letter", "caf\u00e9"],
    ["a trailing newline", "abc\n"],
    ["an empty string", ""],
    ["a number", 123],
  ])("rejects %s", (_label, value) => {
    expectRejected(with_({ [field]: value }), field);
  });
});

describe("order and customer when orderUuid is absent", () => {
  it.each(["orderNumber", "orderType", "customerUuid"])("rejects a body without %s", (field) => {
    const body: Record<string, unknown> = { ...base };
    delete body[field];
    expectRejected(body, field);
  });

  it("names all three when only amount is given", () => {
    const result = SendPaymentRequestBody.safeParse({ amount: 1 });
    expect(result.error?.issues.map((issue) => issue.path.join("."))).toEqual([
      "orderNumber",
      "orderType",
      "customerUuid",
    ]);
  });

  it("accepts a body with orderUuid and none of them", () => {
    expect(expectAccepted({ amount: 1, orderUuid: "order_1" })).toEqual({ amount: 1, orderUuid: "order_1" });
  });

  it("accepts a body with orderUuid and all of them", () => {
    expectAccepted(with_({ orderUuid: "order_1" }));
  });

  it.each([
    ["orderNumber", ""],
    ["orderType", ""],
    ["orderNumber", 1001],
    ["orderType", null],
  ])("rejects %s = %j", (field, value) => {
    expectRejected(with_({ [field]: value }), field);
  });
});

describe.each(["attachInvoice", "esignInvoice", "sendAsText", "sendAsEmail"])("flag %s", (field) => {
  it.each([true, false])("accepts %s", (value) => {
    expect(expectAccepted(with_({ [field]: value }))).toMatchObject({ [field]: value });
  });

  it("is optional (no default is filled in by the schema)", () => {
    expect(expectAccepted(base)).not.toHaveProperty(field);
  });

  it.each(["true", "false", 1, 0, null])("rejects %j", (value) => {
    expectRejected(with_({ [field]: value }), field);
  });
});

describe("the body as a whole", () => {
  it("rejects an unknown top-level field such as sendAsTxt", () => {
    const result = SendPaymentRequestBody.safeParse(with_({ sendAsTxt: true }));
    expect(result.success).toBe(false);
    expect(result.error?.issues).toEqual([
      expect.objectContaining({ code: "unrecognized_keys", keys: ["sendAsTxt"] }),
    ]);
  });

  it.each([
    ["null", null],
    ["an array", [base]],
    ["a string", JSON.stringify(base)],
    ["a number", 100],
    ["undefined", undefined],
  ])("rejects %s", (_label, body) => {
    const result = SendPaymentRequestBody.safeParse(body);
    expect(result.success).toBe(false);
    expect(result.error?.issues).toEqual([
      expect.objectContaining({ path: [], message: "the request body must be a JSON object" }),
    ]);
  });
});

describe("SendPaymentRequestInput (tRPC)", () => {
  const input = { ...base, departmentUuid: "dept_1" };

  it("accepts the body plus departmentUuid", () => {
    expect(SendPaymentRequestInput.parse(input)).toEqual(input);
  });

  it("requires departmentUuid", () => {
    const result = SendPaymentRequestInput.safeParse(base);
    expect(result.success).toBe(false);
    expect(result.error?.issues).toEqual([
      expect.objectContaining({ path: ["departmentUuid"], message: "departmentUuid is required" }),
    ]);
  });

  it.each(["", "dept/1", repeat(65)])("rejects departmentUuid %j", (departmentUuid) => {
    const result = SendPaymentRequestInput.safeParse({ ...input, departmentUuid });
    expect(result.error?.issues.map((issue) => issue.path.join("."))).toEqual(["departmentUuid"]);
  });

  it.each([
    ["1 character", "k"],
    ["255 characters", repeat(255, "k")],
    ["a UUID", "9b2b0c52-6a1e-4a8e-9d7e-2f1a3c4b5d6e"],
    ["spaces and punctuation", "order 42: retry #1 ~!"],
  ])("accepts an idempotencyKey of %s", (_label, idempotencyKey) => {
    expect(SendPaymentRequestInput.parse({ ...input, idempotencyKey }).idempotencyKey).toBe(idempotencyKey);
  });

  it("accepts no idempotencyKey", () => {
    expect(SendPaymentRequestInput.parse(input)).not.toHaveProperty("idempotencyKey");
  });

  it.each([
    ["empty", ""],
    ["256 characters", repeat(256, "k")],
    ["a newline", "key\n"],
    ["a tab", "key\tkey"],
    ["a non-ASCII character", "cl\u00e9"],
    ["a number", 42],
  ])("rejects an idempotencyKey of %s", (_label, idempotencyKey) => {
    const result = SendPaymentRequestInput.safeParse({ ...input, idempotencyKey });
    expect(result.error?.issues.map((issue) => issue.path.join("."))).toEqual(["idempotencyKey"]);
  });

  it("applies the body's rules too", () => {
    const result = SendPaymentRequestInput.safeParse({ ...input, amount: -1 });
    expect(result.error?.issues.map((issue) => issue.path.join("."))).toContain("amount");
  });

  it("applies the cross-field rules", () => {
    const result = SendPaymentRequestInput.safeParse({ amount: 1, departmentUuid: "dept_1" });
    expect(result.error?.issues.map((issue) => issue.path.join("."))).toEqual([
      "orderNumber",
      "orderType",
      "customerUuid",
    ]);
  });

  it("rejects unknown fields such as sendAsTxt", () => {
    const result = SendPaymentRequestInput.safeParse({ ...input, sendAsTxt: true });
    expect(result.error?.issues).toEqual([
      expect.objectContaining({ code: "unrecognized_keys", keys: ["sendAsTxt"] }),
    ]);
  });
});
