import { seedDemo } from "@payreq/core";
import type { Config } from "../config.ts";
import { createLogger } from "../logger.ts";
import { startChainVerifier } from "../observability/chain-verifier.ts";
import { startMetricsServer } from "../observability/metrics-server.ts";
import { createServiceMetrics, disabledMetrics } from "../observability/service-metrics.ts";
import { buildCore, openConfiguredStore, startServer } from "../server.ts";
import { demoBanner } from "./demo-banner.ts";

/** Runs until SIGTERM or SIGINT, then stops accepting, finishes in-flight calls and closes the database. */
export const runServe = async (config: Config): Promise<number> => {
  const logger = createLogger({
    level: config.logLevel,
    // Pretty only for a person at a terminal; a pipe or a file gets JSON lines.
    pretty: config.logFormat === "pretty" || (config.logFormat === "auto" && process.stdout.isTTY === true),
  });
  const metrics = config.metrics ? createServiceMetrics() : disabledMetrics;
  // First, so that a port already in use stops the start before anything is opened.
  const metricsServer = config.metrics ? await startMetricsServer(metrics, config.metrics) : undefined;
  const database = await openConfiguredStore(config, { serving: true });
  const core = buildCore(config, database, logger, metrics);
  const seeded = config.demo ? await seedDemo(database, core.credentials, core.clock) : undefined;
  const server = await startServer(core, config, { metrics });
  // With PORT=0 the port is known only now; links built from it must name it.
  if (config.paymentUrlBaseFromPort && config.port === 0) {
    core.paymentUrls.baseUrl = config.paymentUrlBase.replace(/:0\/pay$/, `:${server.port}/pay`);
  }
  const verifier =
    config.metrics && config.auditVerifyIntervalMs
      ? startChainVerifier({ store: database, intervalMs: config.auditVerifyIntervalMs, metrics, logger })
      : undefined;
  const prune = async () => {
    try {
      const keys = await core.deps.idempotency.prune(config.idempotencyTtlMs);
      const failures = await core.authenticator.pruneFailures();
      if (keys + failures > 0) logger.info("pruned", { idempotencyKeys: keys, loginFailures: failures });
    } catch (error) {
      logger.warn("pruning failed", { error: String(error) });
    }
  };
  await prune();
  const pruning = setInterval(prune, Math.min(config.idempotencyTtlMs, 3_600_000));
  pruning.unref();
  logger.info("listening", {
    url: server.url,
    metrics: metricsServer?.url ?? "off",
    database: core.store.location,
    backend: config.upstream ? `upstream ${config.upstream.baseUrl}` : "embedded",
    // In upstream mode the platform delivers the aggregator's messages; these serve only this process's own v4 calls.
    email: config.smtp ? "smtp" : "outbox",
    text: config.sms ? "sms" : "outbox",
  });
  if (seeded) process.stderr.write(`\n${demoBanner(seeded, server.url)}\n`);
  else if (config.demo) {
    process.stderr.write(
      "Demo data already present; its passwords were shown when it was seeded.\n" +
        "Lost them? `pnpm payreq credentials password sunrise-sender` sets a new one (or delete the database file).\n",
    );
  }
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      logger.info("shutting down", { signal });
      clearInterval(pruning);
      // The chain's walk reads the database: it ends before the database closes.
      Promise.all([verifier?.stop(), metricsServer?.close()])
        .then(() => server.shutdown())
        .then(resolve, (error: unknown) => {
          logger.error("shutdown failed", { error: String(error) });
          resolve();
        });
    };
    process.once("SIGTERM", () => stop("SIGTERM"));
    process.once("SIGINT", () => stop("SIGINT"));
  });
  core.close();
  const { groupCommit: _histograms, ...writes } = core.store.stats;
  logger.info("stopped", { writes });
  return 0;
};
