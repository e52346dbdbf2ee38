import { ANY_DEPARTMENT, Scopes, StripeAccountChange } from "@payreq/contracts";
import {
  getDealerPaymentSettings,
  PayreqError,
  type Principal,
  setDealerStripeAccount,
  silentLogger,
} from "@payreq/core";
import type { Config } from "../config.ts";
import { formatTable, UsageError } from "../formats/output.ts";
import { buildCore, openConfiguredStore } from "../server.ts";
import { auditedChange } from "./audited-change.ts";

const USAGE = `usage: payreq dealers list [--json]
       payreq dealers show <dealerUuid> [--json]
       payreq dealers stripe-account <dealerUuid> <acct_…|none> [--json]`;

/** Whoever runs the command on the service's database is its operator: every dealer is theirs. */
const OPERATOR: Principal = {
  userId: 0,
  username: "cli",
  grants: [{ scope: Scopes.dealersManage, departmentUuid: ANY_DEPARTMENT }],
  authVersion: 0,
};

type Settings = Awaited<ReturnType<typeof getDealerPaymentSettings>>;

const print = (dealers: Settings[]) =>
  console.log(
    formatTable(
      ["DEALER", "NAME", "STRIPE ACCOUNT", "CURRENCY"],
      dealers.map((d) => [
        d.dealerUuid,
        d.name,
        d.stripeAccount ?? "the platform's",
        d.currency.toUpperCase(),
      ]),
    ),
  );

/**
 * `payreq dealers`: the dealers' payment settings. `stripe-account` connects a dealer's Stripe account (its
 * customers' payments then go to it, Connect direct charges) or, with `none`, disconnects it; audited.
 */
export const runDealers = async (
  config: Config,
  args: string[],
  flags: { json: boolean },
): Promise<number> => {
  const [action, dealerUuid, account, ...rest] = args;
  if (!action || rest.length > 0) throw new UsageError(USAGE);
  const database = await openConfiguredStore(config);
  const core = buildCore(config, database, silentLogger);
  const out = (value: unknown, human: () => void) =>
    flags.json ? console.log(JSON.stringify(value, null, 2)) : human();
  try {
    switch (action) {
      case "list": {
        if (dealerUuid) throw new UsageError(USAGE);
        const rows = await database.sql.all<{ uuid: string }>("select uuid from dealers order by name, uuid");
        const dealers = await Promise.all(
          rows.map((r) => getDealerPaymentSettings(database.sql, OPERATOR, r.uuid)),
        );
        out(dealers, () => print(dealers));
        return 0;
      }
      case "show": {
        if (!dealerUuid || account) throw new UsageError(USAGE);
        const dealer = await getDealerPaymentSettings(database.sql, OPERATOR, dealerUuid);
        out(dealer, () => print([dealer]));
        return 0;
      }
      case "stripe-account": {
        if (!dealerUuid || !account) throw new UsageError(USAGE);
        const parsed = StripeAccountChange.safeParse({ stripeAccount: account === "none" ? null : account });
        if (!parsed.success)
          throw new UsageError(`${parsed.error.issues[0]?.message ?? "bad account"}\n${USAGE}`);
        const dealer = await auditedChange(
          core,
          {
            operation: "dealers.stripe-account",
            username: OPERATOR.username,
            requestBody: { dealerUuid, ...parsed.data },
          },
          () => setDealerStripeAccount(database, OPERATOR, dealerUuid, parsed.data.stripeAccount),
          (settings) => ({ response: { errors: [], warnings: [], dealer: settings } }),
        );
        out(dealer, () => print([dealer]));
        return 0;
      }
      default:
        throw new UsageError(USAGE);
    }
  } catch (error) {
    if (!(error instanceof PayreqError)) throw error;
    console.error(`payreq: ${error.item.errorTitle}: ${error.item.errorDescription}`);
    return 1;
  } finally {
    core.close();
    await database.close();
  }
};
