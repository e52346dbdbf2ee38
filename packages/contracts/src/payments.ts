import * as z from "zod";
import { envelopeFields as envelope } from "./envelope.ts";

/** Where a dealer's customers' card payments go: its Stripe connected account, or (null) the platform's. */
export const DealerPaymentSettings = z
  .object({
    dealerUuid: z.string(),
    name: z.string(),
    stripeAccount: z.string().nullable(),
    /** ISO 4217, lower case: the currency of the dealer's Checkout Sessions. */
    currency: z.string(),
  })
  .meta({ id: "DealerPaymentSettings" });
export type DealerPaymentSettings = z.infer<typeof DealerPaymentSettings>;

/** Connect a Stripe account (acct_ and letters or digits), or disconnect it with null. */
export const StripeAccountChange = z.strictObject({
  stripeAccount: z
    .string({ error: "stripeAccount must be a Stripe account id (acct_…) or null" })
    .regex(/^acct_[A-Za-z0-9]{1,64}$/, { error: "stripeAccount must look like acct_1A2b3C4d5E" })
    .nullable(),
});
export type StripeAccountChange = z.infer<typeof StripeAccountChange>;

export const DealerPaymentSettingsResponse = z
  .object({ ...envelope, dealer: DealerPaymentSettings })
  .meta({ id: "DealerPaymentSettingsResponse" });
export type DealerPaymentSettingsResponse = z.infer<typeof DealerPaymentSettingsResponse>;
