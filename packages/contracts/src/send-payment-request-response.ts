import * as z from "zod";
import { ErrorItem, WarningItem } from "./envelope.ts";

export const DeliveryResult = z.enum(["SUCCESS", "FAILURE"]);
export type DeliveryResult = z.infer<typeof DeliveryResult>;

/** The 200 body: the published fields, then this service's additions (never renaming or retyping a published one). */
export const SendPaymentRequestResponse = z
  .object({
    errors: z.array(ErrorItem).max(0),
    warnings: z.array(WarningItem),
    paymentUrl: z.string(),
    textSent: DeliveryResult.optional().describe("Present only when sendAsText was true"),
    emailSent: DeliveryResult.optional().describe("Present only when sendAsEmail was true"),
    orderUuid: z.string(),
    invoiceUuid: z.string(),
    paymentRequestUuid: z.string(),
    orderCreated: z.boolean(),
    invoiceCreated: z.boolean(),
    requestId: z.string().describe("Also sent as the X-Request-Id header"),
  })
  .meta({ id: "SendPaymentRequestResponse" });
export type SendPaymentRequestResponse = z.infer<typeof SendPaymentRequestResponse>;

export const PUBLISHED_RESPONSE_FIELDS = [
  "errors",
  "warnings",
  "paymentUrl",
  "textSent",
  "emailSent",
] as const;
