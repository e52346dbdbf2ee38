import { type Logger, type Store, seedDemo } from "@payreq/core";
import type { Config } from "../config.ts";
import { createBackground } from "../http/background.ts";
import { createLogger } from "../logger.ts";
import { createChainStatus } from "../observability/chain-status.ts";
import { startChainVerifier } from "../observability/chain-verifier.ts";
import { type MetricsServer, startMetricsServer } from "../observability/metrics-server.ts";
import { createServiceMetrics, disabledMetrics } from "../observability/service-metrics.ts";
import { startPaymentFollowUps } from "../payments/payment-follow-ups.ts";
import { startReminderScheduler } from "../reminders/reminder-scheduler.ts";
import { buildCore, openConfiguredStore, type RunningServer, startServer } from "../server.ts";
import { startWebhookScheduler } from "../webhooks/webhook-scheduler.ts";
import { demoBanner } from "./demo-banner.ts";

/** What `serve` has started so far: a start that fails, and the shutdown, stop exactly that. */
type Started = {
  metricsServer?: MetricsServer;
  database?: Store;
  core?: ReturnType<typeof buildCore>;
  server?: RunningServer;
  verifier?: ReturnType<typeof startChainVerifier>;
  reminders?: ReturnType<typeof startReminderScheduler>;
  webhooks?: ReturnType<typeof startWebhookScheduler>;
  followUps?: ReturnType<typeof startPaymentFollowUps>;
  background?: ReturnType<typeof createBackground>;
  pruning?: ReturnType<typeof setInterval>;
  /** The schedulers told to start no new turn, and their current turns ended. */
  schedulersStopped?: Promise<void>;
};

/** Stops the schedulers (once): none starts a new turn, and the promise settles when their current turns end. */
const stopSchedulers = (started: Started) => {
  started.schedulersStopped ??= Promise.all([
    started.verifier?.stop(),
    started.reminders?.stop(),
    started.webhooks?.stop(),
    started.followUps?.stop(),
  ]).then(() => undefined);
  return started.schedulersStopped;
};

/**
 * Stops what was started, in order: the listener and the calls in flight first (they may start background work),
 * then the schedulers and that work, then the database. Every step runs even if one before it failed: anything
 * left open would keep the process alive.
 */
const stopStarted = async (started: Started, graceMs: number) => {
  const { pruning, background, server, database, core, metricsServer } = started;
  clearInterval(pruning);
  const steps = [
    () => server?.stopAccepting(graceMs),
    // The chain's walk, a reminder run and a webhook turn read the database: they end before it closes, and so
    // does the work the calls started.
    () => Promise.all([stopSchedulers(started), background?.idle()]),
    () => database?.close(),
    () => core?.close(),
    // Last, so that Prometheus can scrape while calls drain.
    () => metricsServer?.close(),
  ];
  let failure: unknown;
  for (const step of steps) {
    try {
      await step();
    } catch (error) {
      failure ??= error;
    }
  }
  if (failure !== undefined) throw failure;
};

/** A database that cannot be opened, named by its variable: the PostgreSQL URL may hold a password. */
const openDatabase = async (config: Config) => {
  try {
    return await openConfiguredStore(config, { serving: true });
  } catch (error) {
    const which = config.databaseUrl
      ? "PostgreSQL database (PAYREQ_DATABASE_URL)"
      : `SQLite database ${config.databasePath} (PAYREQ_DATABASE)`;
    throw new Error(`cannot open the ${which}: ${(error as Error).message ?? String(error)}`);
  }
};

const demoPresentNotice = (store: Store) =>
  "Demo data already present; its passwords were shown when it was seeded.\n" +
  "Lost them? `pnpm payreq credentials password sunrise-sender` sets a new one " +
  (store.dialect === "sqlite"
    ? "(or delete the database file).\n"
    : "(or point PAYREQ_DATABASE_URL at an empty database).\n");

const SIGNAL_NUMBERS = { SIGINT: 2, SIGTERM: 15 } as const;

/**
 * Resolves once the process has drained after SIGTERM or SIGINT: /readyz answers 503 at once, calls are still
 * served for `drainTimeoutMs` (so the load balancer sees it and sends no more), then the listener stops accepting,
 * the calls in flight finish (delivery included) and the background work with them, and the database closes.
 * A second signal ends the process at once.
 */
const untilDrained = (started: Started, config: Config, logger: Logger) =>
  new Promise<void>((resolve) => {
    let draining = false;
    const onSignal = (signal: keyof typeof SIGNAL_NUMBERS) => {
      if (draining) {
        logger.warn("second signal: exiting now", {
          signal,
          callsInFlight: started.server?.callsInFlight ?? 0,
        });
        process.exit(128 + SIGNAL_NUMBERS[signal]);
      }
      draining = true;
      started.server?.drain();
      // No new reminder run or webhook attempt from now on: what is under way ends during the drain.
      void stopSchedulers(started);
      logger.info("drain started", {
        signal,
        drainTimeoutMs: config.drainTimeoutMs,
        callsInFlight: started.server?.callsInFlight ?? 0,
      });
      const endedBefore = started.server?.callsEnded ?? 0;
      setTimeout(() => {
        logger.info("not accepting calls any more", { callsInFlight: started.server?.callsInFlight ?? 0 });
        stopStarted(started, config.requestTimeoutMs)
          .then(
            () =>
              logger.info("calls finished", {
                callsWhileDraining: (started.server?.callsEnded ?? 0) - endedBefore,
                callsInFlight: started.server?.callsInFlight ?? 0,
              }),
            (error: unknown) => logger.error("shutdown failed", { error: String(error) }),
          )
          .finally(resolve);
      }, config.drainTimeoutMs);
    };
    process.on("SIGTERM", onSignal);
    process.on("SIGINT", onSignal);
  });

/**
 * Runs until SIGTERM or SIGINT, then stops accepting, finishes in-flight calls and closes the database. A start
 * that fails stops what it had started and rejects with one line, so that the process ends (nothing left open).
 */
export const runServe = async (config: Config): Promise<number> => {
  const logger = createLogger({
    level: config.logLevel,
    // Pretty only for a person at a terminal; a pipe or a file gets JSON lines.
    pretty: config.logFormat === "pretty" || (config.logFormat === "auto" && process.stdout.isTTY === true),
  });
  const metrics = config.metrics ? createServiceMetrics() : disabledMetrics;
  const started: Started = {};
  let stopped: Promise<void>;
  try {
    // First, so that a port already in use stops the start before anything else is opened.
    if (config.metrics) started.metricsServer = await startMetricsServer(metrics, config.metrics);
    const database = await openDatabase(config);
    started.database = database;
    const core = buildCore(config, database, logger, metrics);
    started.core = core;
    const seeded = config.demo ? await seedDemo(database, core.credentials, core.clock) : undefined;
    // One state for the console's chain status and the gauges, whichever verified last.
    const chain = createChainStatus({ store: database, metrics, now: () => core.clock.now() });
    const background = createBackground(logger);
    started.background = background;
    const server = await startServer(core, config, {
      metrics,
      chain,
      background,
      // A payment's events: the dispatcher looks at once rather than at its next turn.
      onEvents: () => void started.webhooks?.runNow(),
    });
    started.server = server;
    // With PORT=0 the port is known only now; links built from it must name it.
    if (config.paymentUrlBaseFromPort && config.port === 0) {
      core.paymentUrls.baseUrl = config.paymentUrlBase.replace(/:0\/pay$/, `:${server.port}/pay`);
    }
    if (config.metrics && config.auditVerifyIntervalMs) {
      started.verifier = startChainVerifier({ chain, intervalMs: config.auditVerifyIntervalMs, logger });
    }
    if (config.reminderIntervalMs) {
      started.reminders = startReminderScheduler({
        deps: core.deps,
        intervalMs: config.reminderIntervalMs,
        logger,
      });
      started.followUps = startPaymentFollowUps({ core, intervalMs: config.reminderIntervalMs, logger });
    }
    if (config.webhooks) {
      started.webhooks = startWebhookScheduler({ core, ...config.webhooks, logger });
    }
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
    started.pruning = setInterval(prune, Math.min(config.idempotencyTtlMs, 3_600_000));
    started.pruning.unref();
    // Before "listening": whoever starts the service may stop it as soon as it says so.
    stopped = untilDrained(started, config, logger);
    logger.info("listening", {
      url: server.url,
      metrics: started.metricsServer?.url ?? "off",
      database: core.store.location,
      backend: config.upstream ? `upstream ${config.upstream.baseUrl}` : "embedded",
      // In upstream mode the platform delivers the aggregator's messages; these serve only this process's own v4 calls.
      email: config.smtp ? "smtp" : "outbox",
      text: config.sms ? "sms" : "outbox",
      reminders: config.reminderIntervalMs ? `every ${config.reminderIntervalMs / 1000} s` : "off",
      payments: config.stripe
        ? config.stripe.apiUrl
          ? `stripe at ${config.stripe.apiUrl}`
          : "stripe"
        : "off",
      webhooks: config.webhooks
        ? config.webhooksAllowPrivate
          ? "on, private destinations allowed"
          : "on"
        : "off",
    });
    if (seeded) process.stderr.write(`\n${demoBanner(seeded, server.url)}\n`);
    else if (config.demo) process.stderr.write(demoPresentNotice(database));
  } catch (error) {
    await stopStarted(started, config.requestTimeoutMs).catch((stopError: unknown) =>
      logger.error("stopping after a failed start failed", { error: String(stopError) }),
    );
    throw error;
  }
  await stopped;
  const { groupCommit: _histograms, ...writes } = started.core.store.stats;
  logger.info("stopped", { writes, exitCode: 0 });
  return 0;
};
