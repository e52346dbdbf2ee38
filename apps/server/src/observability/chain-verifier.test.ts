import { tamper } from "@payreq/core/testing/audit-rows";
import { TEST_STORES } from "@payreq/core/testing/stores";
import { describe, expect, it } from "vitest";
import { createTestApp } from "../../test/harness.ts";
import { seriesValue } from "../../test/metrics-text.ts";
import { signedIn } from "../../test/ops-fixture.ts";
import { createLogger } from "../logger.ts";
import { createChainStatus } from "./chain-status.ts";
import { startChainVerifier } from "./chain-verifier.ts";

const HOUR = 3_600_000;

describe.each(TEST_STORES)("audit chain verification on %s", (store) => {
  it("reports a sound chain at start, then a tampered one as broken, naming the row in the log", async () => {
    const t = await createTestApp({ store, metrics: true });
    for (let i = 0; i < 3; i++) expect((await t.post(t.body())).status).toBe(200);
    // Never verified: absent, not 0, so that an alert can tell the two apart.
    expect(await t.scrape()).not.toContain("payreq_audit_chain_ok");

    const lines: string[] = [];
    const logger = createLogger({ write: (line) => lines.push(line) });
    const verifier = startChainVerifier({ chain: t.chain, intervalMs: HOUR, logger });
    // The walk started with the verifier; verifyNow waits for it.
    await verifier.verifyNow();
    let text = await t.scrape();
    expect(seriesValue(text, "payreq_audit_chain_ok")).toBe(1);
    expect(seriesValue(text, "payreq_audit_chain_rows_checked")).toBe(3);
    const firstVerifiedAt = seriesValue(text, "payreq_audit_chain_verified_timestamp_seconds");
    expect(firstVerifiedAt).toBeGreaterThan(Date.now() / 1000 - 60);

    await tamper(t.store, "update audit_log set http_status = 201 where seq = 2");
    await verifier.verifyNow();
    text = await t.scrape();
    expect(seriesValue(text, "payreq_audit_chain_ok")).toBe(0);
    expect(seriesValue(text, "payreq_audit_chain_verified_timestamp_seconds")).toBeGreaterThanOrEqual(
      firstVerifiedAt,
    );
    expect(lines.map((line) => JSON.parse(line))).toContainEqual(
      expect.objectContaining({ level: "error", msg: "audit chain broken", seq: 2, kind: "altered" }),
    );
    await verifier.stop();
  });

  it("counts a verification that could not run", async () => {
    const t = await createTestApp({ store, metrics: true });
    const logger = createLogger({ write: () => undefined });
    const failing = { sql: { ...t.store.sql, all: () => Promise.reject(new Error("disk gone")) } };
    const chain = createChainStatus({ store: failing, metrics: t.metrics, now: () => t.clock.now() });
    const verifier = startChainVerifier({ chain, intervalMs: HOUR, logger });
    await verifier.verifyNow();
    await verifier.stop();
    const text = await t.scrape();
    expect(seriesValue(text, "payreq_audit_chain_verify_errors_total")).toBe(1);
    expect(text).not.toContain("payreq_audit_chain_ok");
  });

  it("shares its last verification with the ops console, and the console's Verify now sets the gauges", async () => {
    const t = await createTestApp({ store, metrics: true });
    for (let i = 0; i < 2; i++) expect((await t.post(t.body())).status).toBe(200);
    const cookie = await signedIn(t.app, t.demo.credentials.ops);
    const overview = async () => (await t.app.request("/ops", { headers: { Cookie: cookie } })).text();
    expect(await overview()).toContain("Not verified since the service started.");

    // The sign-in and the overview are audited calls too: the walk checks every row written so far.
    const rows = (await t.auditRows()).length;
    const logger = createLogger({ write: () => undefined });
    const verifier = startChainVerifier({ chain: t.chain, intervalMs: HOUR, logger });
    await verifier.verifyNow();
    await verifier.stop();
    let html = await overview();
    expect(html).not.toContain("Not verified");
    expect(html).toContain(`<span class="badge badge-success">OK</span> ${rows} rows checked from seq 1`);

    await tamper(t.store, "update audit_log set http_status = 201 where seq = 2");
    const verify = await t.app.request("/ops/verify-chain", {
      method: "POST",
      headers: {
        Cookie: cookie,
        Origin: "http://localhost",
        "Content-Type": "application/x-www-form-urlencoded",
      },
    });
    expect(verify.status).toBe(303);
    html = await overview();
    expect(html).toContain("TAMPERED");
    const text = await t.scrape();
    expect(seriesValue(text, "payreq_audit_chain_ok")).toBe(0);
  });
});
