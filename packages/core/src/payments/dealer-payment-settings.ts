import { ANY_DEPARTMENT, type DealerPaymentSettings, Scopes } from "@payreq/contracts";
import { departmentsWithScope, type Principal } from "../auth/principal.ts";
import { PayreqError } from "../domain/errors.ts";
import type { Sql, Store } from "../ports/store.ts";

/** Where a dealer's customers' payments go (its connected account, or the platform's own), and in what currency. */
export const dealerPaymentSettings = (sql: Sql, dealerUuid: string) =>
  sql.get<{ uuid: string; name: string; stripeAccount: string | null; currency: string }>(
    `select uuid, name, stripe_account as "stripeAccount", currency from dealers where uuid = ?`,
    [dealerUuid],
  );

const toSettings = (row: { uuid: string; name: string; stripeAccount: string | null; currency: string }) =>
  ({
    dealerUuid: row.uuid,
    name: row.name,
    stripeAccount: row.stripeAccount,
    currency: row.currency,
  }) satisfies DealerPaymentSettings;

/** A dealer's settings are its own departments' business: the scope is needed for every one of them. */
const assertAllowed = async (sql: Sql, principal: Principal, dealerUuid: string) => {
  const allowed = departmentsWithScope(principal, Scopes.dealersManage);
  if (allowed === ANY_DEPARTMENT) return;
  const departments = await sql.all<{ uuid: string }>("select uuid from departments where dealer_uuid = ?", [
    dealerUuid,
  ]);
  if (departments.length === 0 || departments.some((d) => !allowed.includes(d.uuid))) {
    throw new PayreqError("INVALID_SCOPE_DEPARTMENT", {
      description: `${Scopes.dealersManage} is needed for every department of the dealer.`,
    });
  }
};

export const getDealerPaymentSettings = async (sql: Sql, principal: Principal, dealerUuid: string) => {
  await assertAllowed(sql, principal, dealerUuid);
  const row = await dealerPaymentSettings(sql, dealerUuid);
  if (!row) throw new PayreqError("DEALER_NOT_FOUND");
  return toSettings(row);
};

/** Connects the dealer's Stripe account (acct_…), or disconnects it (null): its next sessions go there. */
export const setDealerStripeAccount = async (
  store: Store,
  principal: Principal,
  dealerUuid: string,
  stripeAccount: string | null,
) => {
  await assertAllowed(store.sql, principal, dealerUuid);
  const { changes } = await store.transaction((tx) =>
    tx.run("update dealers set stripe_account = ? where uuid = ?", [stripeAccount, dealerUuid]),
  );
  if (changes === 0) throw new PayreqError("DEALER_NOT_FOUND");
  const row = await dealerPaymentSettings(store.sql, dealerUuid);
  if (!row) throw new PayreqError("DEALER_NOT_FOUND");
  return toSettings(row);
};
