import type { ChainReport } from "@payreq/core";
import { Counter, Gauge, type Registry } from "prom-client";

/**
 * The last verification of the audit hash chain. The gauges are registered at the first verification, so that
 * before it they are absent (an alert can tell "never verified" from "verified and broken") rather than 0.
 */
export const createAuditChainMetrics = (registry: Registry) => {
  const registers = [registry];
  const errors = new Counter({
    name: "payreq_audit_chain_verify_errors_total",
    help: "Verifications of the audit chain that could not run to the end (e.g. the database unavailable)",
    registers,
  });
  let gauges: { ok: Gauge; at: Gauge; rows: Gauge; seconds: Gauge } | undefined;
  const create = () => ({
    ok: new Gauge({
      name: "payreq_audit_chain_ok",
      help: "1 if the last verification of the audit hash chain passed, 0 if it found a row altered, removed or moved",
      registers,
    }),
    at: new Gauge({
      name: "payreq_audit_chain_verified_timestamp_seconds",
      help: "When the last verification of the audit chain finished (Unix time)",
      registers,
    }),
    rows: new Gauge({
      name: "payreq_audit_chain_rows_checked",
      help: "Rows the last verification of the audit chain checked",
      registers,
    }),
    seconds: new Gauge({
      name: "payreq_audit_chain_verify_duration_seconds",
      help: "How long the last verification of the audit chain took",
      registers,
    }),
  });
  return {
    chainVerified(report: ChainReport, seconds: number): void {
      gauges ??= create();
      gauges.ok.set(report.ok ? 1 : 0);
      gauges.at.set(Date.now() / 1000);
      gauges.rows.set(report.rowsChecked);
      gauges.seconds.set(seconds);
    },
    chainVerifyFailed(): void {
      errors.inc();
    },
  };
};
