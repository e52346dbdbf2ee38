import * as z from "zod";
import { DepartmentUuid, IdempotencyKey, identifier } from "./identifier.ts";

export const MAX_AMOUNT = 10_000_000;
export const MAX_INVOICE_ATTRIBUTES = 50;

const hasAtMostTwoDecimals = (value: number) => Number(value.toFixed(2)) === value;

const typed = (field: string, type: string) => (issue: { input?: unknown }) =>
  issue.input === undefined ? `${field} is required` : `${field} must be ${type}`;

const money = (field: string) =>
  z
    .number({ error: typed(field, "a finite number") })
    .min(0, `${field} must be at least 0`)
    .max(MAX_AMOUNT, `${field} must be at most ${MAX_AMOUNT}`)
    .refine(hasAtMostTwoDecimals, `${field} must have at most 2 decimals`);

/** C0 controls other than tab, line feed and carriage return; DEL; bidirectional embeddings, overrides, isolates. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the point is to refuse control characters
const UNSAFE_IN_TEXT = /[\x00-\x08\x0B\x0C\x0E-\x1F\x7F\u202A-\u202E\u2066-\u2069]/;

/** Free text of at most `max` characters, without control or bidirectional-override characters. */
export const freeText = (field: string, max: number) =>
  z
    .string({ error: typed(field, "a string") })
    .max(max, `${field} must be at most ${max} characters`)
    .refine(
      (value) => !UNSAFE_IN_TEXT.test(value),
      `${field} must not contain control or bidirectional-override characters`,
    );

const dateTime = (field: string) =>
  z.iso.datetime({
    offset: true,
    error: `${field} must be an ISO-8601 date-time with an offset or Z, e.g. 2025-03-28T11:34:46.520Z`,
  });

const flag = (field: string) => z.boolean({ error: typed(field, "true or false") }).optional();

const orderField = (field: string) =>
  z
    .string({ error: typed(field, "a string") })
    .min(1, `${field} must not be empty`)
    .max(64, `${field} must be at most 64 characters`)
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the point is to refuse control characters
    .regex(/^[^\x00-\x1F\x7F]+$/, `${field} must not contain control characters`)
    .refine((value) => !/\p{Cf}/u.test(value), `${field} must not contain invisible formatting characters`);

const InvoiceAttributes = z
  .record(
    z.string(),
    z
      .string({ error: "invoiceAttributes values must be strings" })
      .max(1000, "invoiceAttributes values must be at most 1000 characters"),
    {
      error: (issue) =>
        issue.code === "invalid_type" ? "invoiceAttributes must be an object of string values" : undefined,
    },
  )
  .superRefine((attributes, ctx) => {
    const keys = Object.keys(attributes);
    if (keys.length > MAX_INVOICE_ATTRIBUTES) {
      ctx.addIssue({
        code: "custom",
        message: `invoiceAttributes must have at most ${MAX_INVOICE_ATTRIBUTES} keys`,
      });
    }
    for (const key of keys) {
      if (key.length === 0 || key.length > 64) {
        ctx.addIssue({
          code: "custom",
          path: [key],
          message: "invoiceAttributes keys must be 1-64 characters",
        });
      }
    }
  })
  .meta({ maxProperties: MAX_INVOICE_ATTRIBUTES });

/** JSON clients (Jackson, Gson) often send null for a field they leave unset: treat such a field as absent. */
export const withoutNullFields = (input: unknown): unknown =>
  input !== null && typeof input === "object" && !Array.isArray(input)
    ? Object.fromEntries(Object.entries(input).filter(([, value]) => value !== null))
    : input;

const unknownFieldError = (issue: { code?: string; keys?: string[]; input?: unknown }) =>
  issue.code === "unrecognized_keys"
    ? `unknown field${issue.keys && issue.keys.length > 1 ? "s" : ""}: ${issue.keys?.join(", ")}`
    : "the request body must be a JSON object";

/** Every field of the published body, in the published order. */
export const sendPaymentRequestFields = {
  amount: money("amount"),
  description: freeText("description", 1000).optional(),
  refundedAmount: money("refundedAmount").optional(),
  paidDate: dateTime("paidDate").optional(),
  signatureFileName: freeText("signatureFileName", 255).optional(),
  reminderDate: dateTime("reminderDate").optional(),
  reminderMileage: z
    .int({ error: typed("reminderMileage", "an integer") })
    .min(0, "reminderMileage must be at least 0")
    .optional(),
  fileName: freeText("fileName", 255).optional(),
  paymentDeclines: freeText("paymentDeclines", 1000).optional(),
  invoiceAttributes: InvoiceAttributes.optional(),
  dealerUuid: identifier("dealerUuid").optional(),
  orderUuid: identifier("orderUuid").optional(),
  customerUuid: identifier("customerUuid").optional(),
  dealerAssociateDepartmentUuid: identifier("dealerAssociateDepartmentUuid").optional(),
  dealerAssociateUuid: identifier("dealerAssociateUuid").optional(),
  dealerAssociateUserUuid: identifier("dealerAssociateUserUuid").optional(),
  attachInvoice: flag("attachInvoice"),
  esignInvoice: flag("esignInvoice"),
  sendAsText: flag("sendAsText"),
  sendAsEmail: flag("sendAsEmail"),
  orderNumber: orderField("orderNumber").optional(),
  orderType: orderField("orderType").optional(),
};

export const PUBLISHED_REQUEST_FIELDS = Object.keys(
  sendPaymentRequestFields,
) as (keyof typeof sendPaymentRequestFields)[];

type BodyFields = {
  amount: number;
  refundedAmount?: number | undefined;
  orderUuid?: string | undefined;
  orderNumber?: string | undefined;
  orderType?: string | undefined;
  customerUuid?: string | undefined;
};

/** Rules that span fields: refundedAmount ≤ amount; without orderUuid, the order and customer must be named. */
const checkAcrossFields = (body: BodyFields, ctx: z.RefinementCtx) => {
  if (body.refundedAmount !== undefined && body.refundedAmount > body.amount) {
    ctx.addIssue({
      code: "custom",
      path: ["refundedAmount"],
      message: `refundedAmount (${body.refundedAmount}) must not exceed amount (${body.amount})`,
    });
  }
  if (body.orderUuid === undefined) {
    for (const field of ["orderNumber", "orderType", "customerUuid"] as const) {
      if (body[field] === undefined) {
        ctx.addIssue({
          code: "custom",
          path: [field],
          message: `${field} is required when orderUuid is absent`,
        });
      }
    }
  }
};

/** The published request body: strict (unknown fields are errors), with behaviour.md's rules. */
export const SendPaymentRequestBody = z
  .strictObject(sendPaymentRequestFields, { error: unknownFieldError })
  .superRefine(checkAcrossFields)
  .meta({ id: "SendPaymentRequestBody", description: "Send Payment Request body" });
export type SendPaymentRequestBody = z.infer<typeof SendPaymentRequestBody>;

/** tRPC input: the body plus the path parameter and an optional idempotency key. */
export const SendPaymentRequestInput = z
  .strictObject(
    {
      departmentUuid: DepartmentUuid,
      idempotencyKey: IdempotencyKey.optional(),
      ...sendPaymentRequestFields,
    },
    { error: unknownFieldError },
  )
  .superRefine(checkAcrossFields);
export type SendPaymentRequestInput = z.infer<typeof SendPaymentRequestInput>;
