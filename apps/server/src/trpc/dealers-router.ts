import { DealerPaymentSettingsResponse, StripeAccountChange, toRequestErrors } from "@payreq/contracts";
import { getDealerPaymentSettings, PayreqError, setDealerStripeAccount } from "@payreq/core";
import { authedProcedure, router, toTrpcError, typedInput } from "./init.ts";

type Dealer = { dealerUuid: string };

/** A refusal of core's as tRPC's error, carrying the published envelope. */
const refused = (error: unknown): never => {
  if (!(error instanceof PayreqError)) throw error;
  throw toTrpcError(error.status, { errors: [error.item], warnings: [] });
};

/** A dealer's payment settings, as over REST (scope payment.dealers.manage for every department of the dealer). */
export const dealersRouter = router({
  get: authedProcedure
    .input(typedInput<Dealer>())
    .output(DealerPaymentSettingsResponse)
    .query(async ({ ctx, input }) => {
      try {
        const dealer = await getDealerPaymentSettings(
          ctx.core.store.sql,
          ctx.principal!,
          String(input?.dealerUuid),
        );
        return { errors: [], warnings: [], dealer };
      } catch (error) {
        return refused(error);
      }
    }),
  setStripeAccount: authedProcedure
    .input(typedInput<Dealer & StripeAccountChange>())
    .output(DealerPaymentSettingsResponse)
    .mutation(async ({ ctx, input }) => {
      const { dealerUuid, ...body } = (input ?? {}) as Dealer & StripeAccountChange;
      ctx.call.requestBody = input;
      const parsed = StripeAccountChange.safeParse(body);
      if (!parsed.success) throw toTrpcError(400, { errors: toRequestErrors(parsed.error), warnings: [] });
      try {
        const dealer = await setDealerStripeAccount(
          ctx.core.store,
          ctx.principal!,
          String(dealerUuid),
          parsed.data.stripeAccount,
        );
        return { errors: [], warnings: [], dealer };
      } catch (error) {
        return refused(error);
      }
    }),
});
