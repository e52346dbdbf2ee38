import { fileURLToPath } from "node:url";
import { appendRows, tamper } from "@payreq/core/testing/audit-rows";
import { TEST_STORES } from "@payreq/core/testing/stores";
import { describe, expect, it } from "vitest";
import { basic, sunriseBody } from "../../test/harness.ts";
import { pollFor } from "../../test/poll-for.ts";
import { promtool, startPrometheus } from "../../test/prometheus.ts";
import { startSeededServer } from "../../test/seeded-server.ts";

const RULES = fileURLToPath(new URL("../../../../docs/prometheus/payreq-alerts.yml", import.meta.url));
const RULE_TESTS = fileURLToPath(
  new URL("../../../../docs/prometheus/payreq-alerts.test.yml", import.meta.url),
);

type Instance = Awaited<ReturnType<typeof startSeededServer>> & { store: (typeof TEST_STORES)[number] };

/** Two sends, a wrong password and a health check, as traffic to one instance. */
const callsTo = async ({ server, demo }: Instance) => {
  const { username, password } = demo.credentials.sunriseSender;
  const send = (auth: string) =>
    fetch(
      `${server.url}/payment/aggregator/v1/departments/${demo.ids.departments.sunrise}/payment-requests`,
      {
        method: "POST",
        headers: { Authorization: auth, "Content-Type": "application/json" },
        body: JSON.stringify(sunriseBody(demo.ids.customers.sunriseFull)),
      },
    );
  expect((await send(basic(username, password))).status).toBe(200);
  expect((await send(basic(username, password))).status).toBe(200);
  expect((await send(basic(username, "not-the-password"))).status).toBe(401);
  expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
};

const byStore = (result: { metric: Record<string, string>; value: [number, string] }[]) =>
  Object.fromEntries(result.map((r) => [r.metric.store, Number(r.value[1])]));

describe("the example alert rules", () => {
  it("load in promtool, and fire exactly where their unit tests say", () => {
    const check = promtool("check", "rules", RULES);
    expect(check.output).toContain("SUCCESS: 14 rules found");
    expect(check.status).toBe(0);
    const tests = promtool("test", "rules", RULE_TESTS);
    expect(tests.output).toContain("SUCCESS");
    expect(tests.status).toBe(0);
  });
});

describe("a real Prometheus scraping the service", () => {
  it("reads back each store's series through its query API, with the alert rules evaluated", {
    timeout: 90_000,
  }, async () => {
    // The PostgreSQL instance starts on a chain someone edited: its verification at start must report it.
    const instances: Instance[] = await Promise.all(
      TEST_STORES.map(async (store) => ({
        store,
        ...(await startSeededServer(
          { PAYREQ_LOG_LEVEL: "debug" },
          async (seeded) => {
            if (store !== "postgres") return;
            await appendRows(seeded.store, [{}, {}]);
            await tamper(seeded.store, "update audit_log set http_status = 201 where seq = 1");
          },
          store,
        )),
      })),
    );
    const prometheus = await startPrometheus(
      instances.map(({ server, store }) => ({ address: new URL(server.metricsUrl).host, labels: { store } })),
      [RULES],
    );
    try {
      for (const instance of instances) await callsTo(instance);

      await pollFor(15_000, async () => {
        const { activeTargets } = await prometheus.api<{ activeTargets: { health: string }[] }>(
          "/api/v1/targets",
        );
        return activeTargets.length === 2 && activeTargets.every((t) => t.health === "up") ? true : undefined;
      });
      // A scrape after the calls has landed once both instances show both sends.
      const sends = await pollFor(10_000, async () => {
        const { result } = await prometheus.query(
          'sum by (store) (payreq_send_requests_total{outcome="SUCCESS", department="de9a0000-0000-4000-8000-000000000001"})',
        );
        const counts = byStore(result);
        return counts.sqlite === 2 && counts.postgres === 2 ? counts : undefined;
      });
      expect(sends).toEqual({ sqlite: 2, postgres: 2 });

      const series = async (promql: string) => byStore((await prometheus.query(promql)).result);
      expect(await series('sum by (store) (payreq_logins_total{result="wrong"})')).toEqual({
        sqlite: 1,
        postgres: 1,
      });
      expect(
        await series(
          'sum by (store) (payreq_deliveries_total{channel="text", provider="outbox", result="SUCCESS"})',
        ),
      ).toEqual({ sqlite: 2, postgres: 2 });
      expect(await series('sum by (store) (payreq_audit_rows_written_total{outcome="REJECTED"})')).toEqual({
        sqlite: 1,
        postgres: 1,
      });
      expect(await series("sum by (store) (payreq_audit_chain_ok)")).toEqual({ sqlite: 1, postgres: 0 });
      const batches = await series("sum by (store) (payreq_group_commit_batch_size_count)");
      expect(batches.sqlite).toBeGreaterThan(0);
      expect(batches.postgres).toBeGreaterThan(0);
      const p99 = await series(
        'histogram_quantile(0.99, sum by (store, le) (payreq_send_step_duration_seconds_bucket{step="delivery"}))',
      );
      expect(p99.sqlite).toBeGreaterThan(0);
      expect(p99.postgres).toBeGreaterThan(0);
      expect(Object.keys(await series("sum by (store) (process_cpu_seconds_total)")).sort()).toEqual([
        "postgres",
        "sqlite",
      ]);
      // The webhook backlog is read from each store when scraped: no endpoint, so nothing is due.
      expect(await series("sum by (store) (payreq_webhook_oldest_pending_age_seconds)")).toEqual({
        sqlite: 0,
        postgres: 0,
      });
      expect(Object.keys(await series('sum by (store) (payreq_info{backend="embedded"})')).sort()).toEqual([
        "postgres",
        "sqlite",
      ]);

      // Every rule evaluates without error, and the broken chain has fired its alert.
      const rules = await pollFor(10_000, async () => {
        const { groups } = await prometheus.api<{
          groups: { rules: { name: string; health: string; state?: string }[] }[];
        }>("/api/v1/rules");
        const all = groups.flatMap((g) => g.rules);
        return all.length === 14 &&
          all.every((r) => r.health === "ok") &&
          all.some((r) => r.state === "firing")
          ? all
          : undefined;
      });
      expect(rules.filter((r) => r.state === "firing").map((r) => r.name)).toEqual([
        "PayreqAuditChainBroken",
      ]);
    } finally {
      await prometheus.stop();
      await Promise.all(instances.map(({ server }) => server.stop()));
    }
    // PAYREQ_LOG_LEVEL reaches `serve`: health checks are logged at debug level.
    for (const { server } of instances) {
      expect(
        server.logs.map((line) => line.includes('"level":"debug"') && line.includes('"/healthz"')),
      ).toContain(true);
    }
  });
});
