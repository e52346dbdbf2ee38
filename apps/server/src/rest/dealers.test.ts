import { openStore } from "@payreq/core";
import { TEST_STORES } from "@payreq/core/testing/stores";
import { describe, expect, it } from "vitest";
import { locationOf, payreq } from "../../test/cli.ts";
import { createTestApp } from "../../test/harness.ts";
import { seededDatabase } from "../../test/seeded-database.ts";

const SUNRISE = "d1a1e000-0000-4000-8000-000000000001";

describe.each(TEST_STORES)(
  "a dealer's Stripe account over REST, tRPC and payreq dealers on %s",
  { timeout: 60_000 },
  (kind) => {
    it("sets, shows and clears it for ops; refuses a sender, a bad account and an unknown dealer; audits changes", async () => {
      const t = await createTestApp({ store: kind });
      const put = (body: unknown, auth = t.ops, dealer = SUNRISE) =>
        t.app.request(`/payment/aggregator/v1/dealers/${dealer}/stripe-account`, {
          method: "PUT",
          headers: { Authorization: auth, "Content-Type": "application/json" },
          body: JSON.stringify(body),
        });
      const set = await put({ stripeAccount: "acct_1SunriseMotors" });
      expect(set.status).toBe(200);
      expect(await set.json()).toEqual({
        errors: [],
        warnings: [],
        dealer: {
          dealerUuid: SUNRISE,
          name: "Sunrise Motors",
          stripeAccount: "acct_1SunriseMotors",
          currency: "usd",
        },
      });
      const shown = await t.app.request(`/payment/aggregator/v1/dealers/${SUNRISE}`, {
        headers: { Authorization: t.ops },
      });
      expect(await shown.json()).toMatchObject({ dealer: { stripeAccount: "acct_1SunriseMotors" } });

      const bySender = await put({ stripeAccount: "acct_2" }, t.sender);
      expect(bySender.status).toBe(403);
      const bad = await put({ stripeAccount: "sk_live_oops" });
      expect(bad.status).toBe(400);
      expect(await bad.json()).toMatchObject({ errors: [{ errorCode: 100006 }] });
      expect((await put({ stripeAccount: "acct_3", extra: 1 })).status).toBe(400);
      const unknown = await put({ stripeAccount: "acct_4" }, t.ops, "d1a1e000-0000-4000-8000-0000000000ff");
      expect(unknown.status).toBe(404);
      expect((await put({ stripeAccount: null })).status).toBe(200);

      const trpc = await t.app.request("/trpc/dealers.setStripeAccount", {
        method: "POST",
        headers: { Authorization: t.ops, "Content-Type": "application/json" },
        body: JSON.stringify({ dealerUuid: SUNRISE, stripeAccount: "acct_1ViaTrpc" }),
      });
      expect(
        ((await trpc.json()) as { result: { data: { dealer: { stripeAccount: string } } } }).result.data
          .dealer.stripeAccount,
      ).toBe("acct_1ViaTrpc");
      const audit = await t.store.sql.all<{ operation: string; http_status: number }>(
        "select operation, http_status from audit_log where operation like 'dealers.%' order by seq",
      );
      expect(audit.map((a) => `${a.operation} ${a.http_status}`)).toEqual([
        "dealers.stripe-account 200",
        "dealers.show 200",
        "dealers.stripe-account 403",
        "dealers.stripe-account 400",
        "dealers.stripe-account 400",
        "dealers.stripe-account 404",
        "dealers.stripe-account 200",
        "dealers.setStripeAccount 200",
      ]);
    });

    it("payreq dealers list, show and stripe-account, with refusals", async () => {
      const seeded = await seededDatabase(kind);
      await seeded.store.close();
      const run = (args: string[]) => payreq(["dealers", ...args], seeded.env);
      const set = await run(["stripe-account", SUNRISE, "acct_1FromTheCli", "--json"]);
      expect(set.code, set.stderr).toBe(0);
      expect(JSON.parse(set.stdout)).toMatchObject({
        dealerUuid: SUNRISE,
        stripeAccount: "acct_1FromTheCli",
      });
      const listed = await run(["list"]);
      expect(listed.stdout).toMatch(/Sunrise Motors\s+acct_1FromTheCli\s+USD/);
      expect(listed.stdout).toMatch(/Harbor .*the platform's/);
      expect((await run(["stripe-account", SUNRISE, "not-an-account"])).code).toBe(2);
      const unknown = await run(["show", "d1a1e000-0000-4000-8000-0000000000ff"]);
      expect([unknown.code, unknown.stderr.trim()]).toEqual([
        1,
        "payreq: DEALER_NOT_FOUND: No dealer with this id.",
      ]);
      expect(
        JSON.parse((await run(["stripe-account", SUNRISE, "none", "--json"])).stdout).stripeAccount,
      ).toBeNull();
      const refused = await run(["stripe-account", "d1a1e000-0000-4000-8000-0000000000ff", "acct_9"]);
      expect(refused.code).toBe(1);

      // Each change is audited, the refusal too, as over REST.
      const store = await openStore(locationOf(seeded.env));
      try {
        const audit = await store.sql.all<{ transport: string; http_status: number }>(
          "select transport, http_status from audit_log where operation = 'dealers.stripe-account' order by seq",
        );
        expect(audit).toEqual([
          { transport: "cli", http_status: 200 },
          { transport: "cli", http_status: 200 },
          { transport: "cli", http_status: 404 },
        ]);
      } finally {
        await store.close();
      }
    });
  },
);
