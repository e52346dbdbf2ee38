import { mkdirSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { startWebhookReceiver } from "@payreq/core/testing/webhook-receiver";
import { type AuditQueryResult, formatAuditQueryResults, runAuditQueryBench } from "./audit-query.ts";
import { type BenchStores, type StoreKind, startBenchStores } from "./bench-stores.ts";
import { type ChainCost, formatChainCost, runChainCost } from "./chain-cost.ts";
import { type LoadResult, runLoad } from "./load.ts";
import { type Started, startProcess } from "./processes.ts";
import { formatProfile, profileCall } from "./profile-call.ts";
import { publishedBody, SEND_PATH } from "./published-call.ts";
import { payreqCommand } from "./service-command.ts";
import { type DispatchResult, formatDispatch, measureDispatch, webhookDatabase } from "./webhook-dispatch.ts";
import { formatWriterFloor, measureWriterFloor, type WriterFloor } from "./writer-floor.ts";

/**
 * `pnpm bench`: the bare Hono route and the real service on each store, one after the other, on this machine in
 * this run, with the same autocannon load; then the audit query benchmark on each store. Prints a summary and
 * writes bench/results/<time>.json, one file per run. Every process it starts is stopped before it exits.
 */
const { values } = parseArgs({
  options: {
    connections: { type: "string", default: "50" },
    duration: { type: "string", default: "15" },
    warmup: { type: "string", default: "5" },
    stores: { type: "string", default: "sqlite,postgres" },
    "audit-small": { type: "string", default: "10000" },
    "audit-large": { type: "string", default: "1000000" },
    "skip-audit": { type: "boolean", default: false },
    /** Published calls made before the dispatcher benchmark drains their events (three each). */
    "webhook-calls": { type: "string", default: "2000" },
    /** Another checkout's apps/server (an older main, say), measured beside this one on each store. */
    against: { type: "string" },
    /**
     * How many times each of two compared runs goes on each store, alternating (medians are compared): with and
     * without a webhook endpoint, and with --against, this checkout and the other.
     */
    rounds: { type: "string", default: "3" },
  },
});
const connections = Number(values.connections);
const durationSeconds = Number(values.duration);
const warmupSeconds = Number(values.warmup);
const kinds = values.stores.split(",") as StoreKind[];

const BENCH_DIR = fileURLToPath(new URL("..", import.meta.url));
const SERVER_DIR = fileURLToPath(new URL("../../apps/server", import.meta.url));

/** The load after a warm-up, with the server process's CPU per request over the measured part. */
const measure = async (
  server: Started,
  url: string,
  headers: Record<string, string>,
  bodyFor: (n: number) => string,
): Promise<LoadResult> => {
  if (warmupSeconds > 0)
    await runLoad({ url, connections, durationSeconds: warmupSeconds, headers }, (n) =>
      bodyFor(1_000_000 + n),
    );
  const before = server.cpuMicros();
  const result = await runLoad({ url, connections, durationSeconds, headers }, bodyFor);
  return {
    ...result,
    serverCpuMicrosPerRequest: (server.cpuMicros() - before) / Math.max(1, result.requests),
  };
};

type ServiceResult = LoadResult & {
  store: StoreKind;
  metrics: boolean;
  auditRows: number;
  checkout: string;
  /** With a webhook endpoint receiving every event (on loopback): the events raised, and those delivered by the end. */
  webhooks?: { events: number; deliveredByEnd: number };
};

/** This checkout's service, and the other one of `--against`, each as it ships (see service-command.ts). */
const checkouts = [
  { name: "this", dir: SERVER_DIR },
  ...(values.against ? [{ name: "against", dir: values.against }] : []),
].map((checkout) => ({ ...checkout, command: payreqCommand(checkout.dir) }));
const THIS = checkouts[0]!;

let databases = 0;

/**
 * The service on one store: demo data seeded, then `payreq serve` as a process under the load, with its metrics
 * (as it ships) or without them (PAYREQ_METRICS=off), to show what they cost; with `webhookEndpoint`, a loopback
 * receiver registered for every event, which the same process delivers to while it serves.
 */
const measureService = async (
  stores: BenchStores,
  kind: StoreKind,
  options: { metrics: boolean; checkout?: (typeof checkouts)[number]; webhookEndpoint?: boolean },
): Promise<ServiceResult> => {
  const { metrics, checkout = THIS, webhookEndpoint = false } = options;
  const db = await webhookDatabase(stores, kind, `service_${kind}_${databases++}`);
  const receiver = webhookEndpoint ? await startWebhookReceiver() : undefined;
  if (receiver) await db.register(receiver.url);
  const { username, password } = db.demo.credentials.sunriseSender;
  process.stderr.write(
    `payreq service of ${checkout.name === "this" ? "this checkout" : checkout.dir} on ${kind} (embedded backend, demo data, Basic auth, audit log, metrics ${metrics ? "on" : "off"}${receiver ? ", a webhook endpoint" : ""})\n`,
  );
  const service = await startProcess(
    [...checkout.command, "serve"],
    {
      ...db.env,
      PORT: "0",
      PAYREQ_METRICS: metrics ? "on" : "off",
      PAYREQ_METRICS_PORT: "0",
      ...(receiver ? { PAYREQ_WEBHOOKS_ALLOW_PRIVATE: "1" } : {}),
    },
    checkout.dir,
  );
  try {
    const result = await measure(
      service,
      `${service.url}${SEND_PATH}`,
      { authorization: `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}` },
      publishedBody(db.demo.ids.customers.sunriseFull),
    );
    const count = async (query: string) => Number((await db.store.sql.get<{ n: number }>(query))?.n ?? 0);
    const auditRows = await count("select count(*) as n from audit_log");
    const webhooks = receiver
      ? {
          events: await count("select count(*) as n from webhook_events"),
          deliveredByEnd: await count(
            "select count(*) as n from webhook_deliveries where status = 'delivered'",
          ),
        }
      : undefined;
    return {
      ...result,
      store: kind,
      metrics,
      auditRows,
      checkout: checkout.name,
      ...(webhooks ? { webhooks } : {}),
    };
  } finally {
    await service.stop();
    await receiver?.close();
    await db.close();
  }
};

const line = (name: string, r: LoadResult) =>
  `${name.padEnd(31)} ${r.requestsPerSecond.toFixed(0).padStart(8)} req/s  p50 ${String(r.latencyP50Ms).padStart(4)} ms  p99 ${String(r.latencyP99Ms).padStart(4)} ms  errors ${r.errors + r.timeouts}  non-2xx ${r.non2xx}  server CPU ${(r.serverCpuMicrosPerRequest ?? 0).toFixed(0)} µs/request  load generator CPU ${r.loadCpuMicrosPerRequest.toFixed(0)} µs/request`;

/** Issue 13's throughput target, as a share of the bare route's in the same run. */
const TARGET_RATIO = 0.15;

/**
 * What the machine allows per request at the target: the cores' time at that rate, less the load generator's
 * share (it runs on the same cores). Past this, the service cannot reach the target however well it overlaps.
 */
const budgetOf = (service: LoadResult, bare: LoadResult) => {
  const rate = TARGET_RATIO * bare.requestsPerSecond;
  const allowed = (cpus().length * 1e6) / rate - service.loadCpuMicrosPerRequest;
  return {
    rate,
    allowedServerCpuMicros: allowed,
    usedServerCpuMicros: service.serverCpuMicrosPerRequest ?? 0,
  };
};

const ratiosOf = (service: LoadResult, bare: LoadResult) => ({
  throughput: service.requestsPerSecond / bare.requestsPerSecond,
  p50: service.latencyP50Ms / Math.max(bare.latencyP50Ms, 1),
  p99: service.latencyP99Ms / Math.max(bare.latencyP99Ms, 1),
});

/** What the metrics cost on one store: the service with them against the service without, in this run. */
const metricsCostOf = (services: ServiceResult[], kind: StoreKind) => {
  const on = services.find((s) => s.store === kind && s.metrics);
  const off = services.find((s) => s.store === kind && !s.metrics);
  return on && off ? ratiosOf(on, off) : undefined;
};

/** PostgreSQL's service against SQLite's, both as they ship (metrics on), in this run. */
const storesCompared = (services: ServiceResult[]) => {
  const sqlite = services.find((s) => s.store === "sqlite" && s.metrics);
  const postgres = services.find((s) => s.store === "postgres" && s.metrics);
  if (!sqlite || !postgres) return undefined;
  return {
    throughput: postgres.requestsPerSecond / sqlite.requestsPerSecond,
    serverCpu: (postgres.serverCpuMicrosPerRequest ?? 0) / Math.max(1, sqlite.serverCpuMicrosPerRequest ?? 0),
    p99: postgres.latencyP99Ms / Math.max(1, sqlite.latencyP99Ms),
    failures: postgres.errors + postgres.timeouts + postgres.non2xx,
  };
};

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

/** What a webhook endpoint costs the send path on one store: the medians of the runs with one and with none. */
const webhookCostOf = (runs: ServiceResult[], kind: StoreKind) => {
  const one = runs.filter((r) => r.store === kind && r.webhooks);
  const none = runs.filter((r) => r.store === kind && !r.webhooks);
  if (one.length === 0 || none.length === 0) return undefined;
  const rps = (rs: ServiceResult[]) => median(rs.map((r) => r.requestsPerSecond));
  const cpu = (rs: ServiceResult[]) => median(rs.map((r) => r.serverCpuMicrosPerRequest ?? 0));
  const p99 = (rs: ServiceResult[]) => median(rs.map((r) => r.latencyP99Ms));
  return {
    rounds: one.length,
    withRps: one.map((r) => r.requestsPerSecond),
    withoutRps: none.map((r) => r.requestsPerSecond),
    throughput: rps(one) / rps(none),
    serverCpu: cpu(one) / Math.max(1, cpu(none)),
    p99: p99(one) / Math.max(1, p99(none)),
    events: one.map((r) => r.webhooks?.events ?? 0),
    deliveredByEnd: one.map((r) => r.webhooks?.deliveredByEnd ?? 0),
  };
};

/** This checkout against the other, per store: the medians of their alternating runs. */
const comparisonsOf = (runs: ServiceResult[]) =>
  kinds.flatMap((store) => {
    const of = (checkout: string) => runs.filter((r) => r.store === store && r.checkout === checkout);
    const ours = of("this");
    const theirs = of("against");
    if (theirs.length === 0) return [];
    const rps = (rs: ServiceResult[]) => rs.map((r) => r.requestsPerSecond);
    const cpu = (rs: ServiceResult[]) => rs.map((r) => r.serverCpuMicrosPerRequest ?? 0);
    return [
      {
        store,
        thisRps: rps(ours),
        againstRps: rps(theirs),
        throughput: median(rps(ours)) / median(rps(theirs)),
        serverCpu: median(cpu(ours)) / median(cpu(theirs)),
      },
    ];
  });

const main = async () => {
  const stores = await startBenchStores(kinds);
  try {
    process.stderr.write(
      `bare Hono: ${connections} connections, ${warmupSeconds}s warm-up, ${durationSeconds}s\n`,
    );
    const bare = await startProcess(["--import", "tsx", "src/bare-server.ts"], {}, BENCH_DIR);
    let bareResult: LoadResult;
    try {
      bareResult = await measure(bare, `${bare.url}${SEND_PATH}`, {}, publishedBody());
    } finally {
      await bare.stop();
    }
    const services: ServiceResult[] = [];
    const against: ServiceResult[] = [];
    const webhookRuns: ServiceResult[] = [];
    for (const kind of kinds) {
      services.push(await measureService(stores, kind, { metrics: true }));
      services.push(await measureService(stores, kind, { metrics: false }));
      // With a webhook endpoint and without, in turn, several times: the machine's drift lands on both.
      for (let round = 0; round < Number(values.rounds); round++) {
        webhookRuns.push(await measureService(stores, kind, { metrics: true, webhookEndpoint: true }));
        webhookRuns.push(await measureService(stores, kind, { metrics: true }));
      }
      // The two checkouts in turn, several times: the machine's drift lands on both.
      const other = checkouts[1];
      for (let round = 0; other && round < Number(values.rounds); round++) {
        against.push(await measureService(stores, kind, { metrics: true, checkout: other }));
        against.push(await measureService(stores, kind, { metrics: true }));
      }
    }

    console.log(
      `\nSend Payment Request, ${connections} connections, ${durationSeconds}s, ${cpus().length} cores`,
    );
    console.log(line("bare", bareResult));
    for (const service of services) {
      const r = ratiosOf(service, bareResult);
      console.log(line(`service (${service.store}${service.metrics ? "" : ", no metrics"})`, service));
      console.log(
        `${"  ratio".padEnd(31)} throughput ${r.throughput.toFixed(2)}x  p50 ${r.p50.toFixed(2)}x  p99 ${r.p99.toFixed(2)}x  (audit rows written: ${service.auditRows})`,
      );
      const budget = budgetOf(service, bareResult);
      console.log(
        `${"  budget".padEnd(31)} at ${TARGET_RATIO}x bare (${budget.rate.toFixed(0)} req/s) the ${cpus().length} cores allow ${budget.allowedServerCpuMicros.toFixed(0)} µs of server CPU per request; it used ${budget.usedServerCpuMicros.toFixed(0)}`,
      );
    }
    for (const comparison of comparisonsOf(against)) {
      console.log(
        `${`against (${comparison.store})`.padEnd(31)} ${comparison.againstRps.map((r) => r.toFixed(0)).join(", ")} req/s; this checkout ${comparison.thisRps.map((r) => r.toFixed(0)).join(", ")} req/s`,
      );
      console.log(
        `${"  this / against (medians)".padEnd(31)} throughput ${comparison.throughput.toFixed(3)}x  server CPU ${comparison.serverCpu.toFixed(3)}x`,
      );
    }
    const issue27 = storesCompared(services);
    if (issue27) {
      const met = (ok: boolean) => (ok ? "met" : "NOT met");
      console.log("PostgreSQL against SQLite, this run (issue 27's targets):");
      console.log(
        `  throughput ${issue27.throughput.toFixed(2)}x (target >= 0.5x: ${met(issue27.throughput >= 0.5)})  server CPU per call ${issue27.serverCpu.toFixed(2)}x (target <= 1.5x: ${met(issue27.serverCpu <= 1.5)})  p99 ${issue27.p99.toFixed(2)}x (target <= 2x: ${met(issue27.p99 <= 2)})  errors + non-2xx on PostgreSQL ${issue27.failures} (target 0: ${met(issue27.failures === 0)})`,
      );
    }
    for (const kind of kinds) {
      const cost = metricsCostOf(services, kind);
      if (!cost) continue;
      console.log(
        `metrics cost (${kind}): with/without throughput ${cost.throughput.toFixed(3)}x  p50 ${cost.p50.toFixed(2)}x  p99 ${cost.p99.toFixed(2)}x`,
      );
    }

    for (const kind of kinds) {
      const cost = webhookCostOf(webhookRuns, kind);
      if (!cost) continue;
      console.log(
        `webhook endpoint cost (${kind}): ${cost.withoutRps.map((r) => r.toFixed(0)).join(", ")} req/s with none; ${cost.withRps.map((r) => r.toFixed(0)).join(", ")} with one`,
      );
      console.log(
        `${"  one / none (medians)".padEnd(31)} throughput ${cost.throughput.toFixed(3)}x  server CPU ${cost.serverCpu.toFixed(3)}x  p99 ${cost.p99.toFixed(2)}x  (delivered by the end of each load: ${cost.deliveredByEnd.map((d, i) => `${d} of ${cost.events[i]}`).join(", ")} events)`,
      );
    }

    const dispatch: DispatchResult[] = [];
    for (const kind of kinds) {
      for (const endpoints of [1, 4]) {
        process.stderr.write(`\nwebhook dispatch on ${kind}, ${endpoints} endpoint(s)\n`);
        dispatch.push(
          await measureDispatch(stores, kind, {
            calls: Number(values["webhook-calls"]),
            endpoints,
            command: THIS.command,
            cwd: THIS.dir,
            name: `dispatch_${kind}_${databases++}`,
          }),
        );
      }
    }
    console.log(`\n${formatDispatch(dispatch)}`);

    process.stderr.write("\none call, part by part (CPU µs, in-process)\n");
    const profile = await profileCall();
    console.log(`\nOne call, part by part (CPU µs per call)\n${formatProfile(profile)}`);

    process.stderr.write("\nthe SQLite writer's floor: the statements of real calls, replayed\n");
    const writerFloor: WriterFloor = await measureWriterFloor();
    console.log(`\n${formatWriterFloor(writerFloor)}`);

    let chainCost: ChainCost[] | null = null;
    if (kinds.includes("postgres")) {
      process.stderr.write("\nthe audit chain's order across instances on postgres\n");
      chainCost = await runChainCost(stores, 2000);
      console.log(`\n${formatChainCost(chainCost)}`);
    }

    const audit: Record<string, AuditQueryResult[]> = {};
    const small = Number(values["audit-small"]);
    const large = Number(values["audit-large"]);
    if (!values["skip-audit"]) {
      for (const kind of kinds) {
        process.stderr.write(`\naudit query benchmark on ${kind}: ${small} vs ${large} rows\n`);
        audit[kind] = await runAuditQueryBench(stores, kind, { small, large, repeat: 200 });
        console.log(`\n${formatAuditQueryResults(kind, audit[kind] ?? [], small, large)}`);
      }
    }

    const at = new Date();
    mkdirSync(join(BENCH_DIR, "results"), { recursive: true });
    const file = join(
      BENCH_DIR,
      "results",
      `${at
        .toISOString()
        .replace(/:/g, "-")
        .replace(/\.\d+Z$/, "Z")}.json`,
    );
    writeFileSync(
      file,
      `${JSON.stringify(
        {
          at: at.toISOString(),
          machine: { cores: cpus().length, cpu: cpus()[0]?.model, node: process.version },
          load: { connections, durationSeconds, warmupSeconds },
          bare: bareResult,
          against: values.against
            ? { dir: values.against, runs: against, comparisons: comparisonsOf(against) }
            : null,
          services: services.map((service) => ({
            ...service,
            ratios: ratiosOf(service, bareResult),
            budget: budgetOf(service, bareResult),
          })),
          profile: Object.fromEntries(profile),
          writerFloor,
          postgresAgainstSqlite: storesCompared(services) ?? null,
          metricsCost: Object.fromEntries(kinds.map((kind) => [kind, metricsCostOf(services, kind) ?? null])),
          webhookCost: {
            runs: webhookRuns,
            byStore: Object.fromEntries(
              kinds.map((kind) => [kind, webhookCostOf(webhookRuns, kind) ?? null]),
            ),
          },
          webhookDispatch: dispatch,
          chainCost,
          audit: values["skip-audit"] ? null : { smallRows: small, largeRows: large, queries: audit },
        },
        null,
        2,
      )}\n`,
    );
    process.stderr.write(`\nwrote ${file}\n`);
  } finally {
    stores.close();
  }
};

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
