import { tamper } from "@payreq/core/testing/audit-rows";
import { TEST_STORES } from "@payreq/core/testing/stores";
import { describe, expect, it } from "vitest";
import { createTestApp } from "../../test/harness.ts";
import { seriesValue } from "../../test/metrics-text.ts";
import { createLogger } from "../logger.ts";
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
    const verifier = startChainVerifier({ store: t.store, intervalMs: HOUR, metrics: t.metrics, logger });
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
    const verifier = startChainVerifier({ store: failing, intervalMs: HOUR, metrics: t.metrics, logger });
    await verifier.verifyNow();
    await verifier.stop();
    const text = await t.scrape();
    expect(seriesValue(text, "payreq_audit_chain_verify_errors_total")).toBe(1);
    expect(text).not.toContain("payreq_audit_chain_ok");
  });
});
