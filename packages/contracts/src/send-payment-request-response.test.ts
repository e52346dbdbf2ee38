import { describe, expect, it } from "vitest";
import { ErrorEnvelope, errorItem, warningItem } from "./envelope.ts";
import { SendPaymentRequestResponse } from "./send-payment-request-response.ts";

const success = {
  errors: [],
  warnings: [warningItem("OPEN_INVOICE_AMOUNT_UPDATED", { message: "Amount changed from 90 to 100" })],
  paymentUrl: "https://pay.example.com/p/Zx8v1kQ2Lr5m9TnB3cWd7A",
  textSent: "SUCCESS",
  emailSent: "FAILURE",
  orderUuid: "order_1",
  invoiceUuid: "invoice_1",
  paymentRequestUuid: "pr_1",
  orderCreated: false,
  invoiceCreated: true,
  requestId: "req_01HZX",
};

describe("SendPaymentRequestResponse", () => {
  it("accepts a full success body", () => {
    expect(SendPaymentRequestResponse.parse(success)).toEqual(success);
  });

  it("accepts a success body without textSent and emailSent", () => {
    const { textSent: _t, emailSent: _e, ...withoutDelivery } = success;
    expect(SendPaymentRequestResponse.parse(withoutDelivery)).toEqual(withoutDelivery);
  });

  it("rejects a body with a non-empty errors array", () => {
    const result = SendPaymentRequestResponse.safeParse({
      ...success,
      errors: [errorItem("INVALID_REQUEST_DATA")],
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path.join("."))).toEqual(["errors"]);
  });

  it.each([
    ["textSent", "SENT"],
    ["emailSent", true],
    ["paymentUrl", undefined],
    ["requestId", undefined],
    ["orderCreated", "false"],
    ["warnings", undefined],
  ])("rejects %s = %j", (field, value) => {
    const result = SendPaymentRequestResponse.safeParse({ ...success, [field]: value });
    expect(result.error?.issues.map((issue) => issue.path.join("."))).toEqual([field]);
  });

  it("rejects a warning with a non-integer code", () => {
    const result = SendPaymentRequestResponse.safeParse({
      ...success,
      warnings: [{ ...warningItem("TEXT_NO_PHONE"), warningCode: 159001.5 }],
    });
    expect(result.error?.issues.map((issue) => issue.path.join("."))).toEqual(["warnings.0.warningCode"]);
  });
});

describe("ErrorEnvelope", () => {
  it("accepts errors with warnings", () => {
    const envelope = { errors: [errorItem("WRONG_CREDENTIAL")], warnings: [] };
    expect(ErrorEnvelope.parse(envelope)).toEqual(envelope);
  });

  it("rejects an empty errors array", () => {
    const result = ErrorEnvelope.safeParse({ errors: [], warnings: [] });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path.join("."))).toEqual(["errors"]);
  });

  it("rejects a missing warnings array", () => {
    const result = ErrorEnvelope.safeParse({ errors: [errorItem("NULL_CREDENTIALS")] });
    expect(result.error?.issues.map((issue) => issue.path.join("."))).toEqual(["warnings"]);
  });

  it("rejects an error item without errorTitle", () => {
    const { errorTitle: _omitted, ...item } = errorItem("NULL_CREDENTIALS");
    const result = ErrorEnvelope.safeParse({ errors: [item], warnings: [] });
    expect(result.error?.issues.map((issue) => issue.path.join("."))).toEqual(["errors.0.errorTitle"]);
  });
});
