import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { createCore, openDatabase, seedDemo } from "@payreq/core";
import { formatAuditQueryResults, runAuditQueryBench } from "./audit-query.ts";
import { type LoadResult, runLoad } from "./load.ts";
import { startProcess } from "./processes.ts";

/**
 * `pnpm bench`: the bare Hono route and the real service, one after the other, on this machine in this run,
 * with the same autocannon load; then the audit query benchmark. Prints a summary and writes
 * bench/results/latest.json. Every process it starts is stopped before it exits.
 */
const { values } = parseArgs({
  options: {
    connections: { type: "string", default: "50" },
    duration: { type: "string", default: "15" },
    warmup: { type: "string", default: "5" },
    "audit-small": { type: "string", default: "10000" },
    "audit-large": { type: "string", default: "1000000" },
    "skip-audit": { type: "boolean", default: false },
  },
});
const connections = Number(values.connections);
const durationSeconds = Number(values.duration);
const warmupSeconds = Number(values.warmup);

const BENCH_DIR = fileURLToPath(new URL("..", import.meta.url));
const SERVER_DIR = fileURLToPath(new URL("../../apps/server", import.meta.url));
const PATH = "/payment/aggregator/v1/departments/de9a0000-0000-4000-8000-000000000001/payment-requests";

const measure = async (url: string, headers: Record<string, string>, bodyFor: (n: number) => string) => {
  if (warmupSeconds > 0)
    await runLoad({ url, connections, durationSeconds: warmupSeconds, headers }, (n) =>
      bodyFor(1_000_000 + n),
    );
  return runLoad({ url, connections, durationSeconds, headers }, bodyFor);
};

const publishedBody = (customerUuid: string) => (n: number) =>
  JSON.stringify({
    amount: 125.5,
    description: "Brake pads and rotors",
    refundedAmount: 0,
    paidDate: "2025-03-28T11:34:46.520Z",
    fileName: "invoice.pdf",
    paymentDeclines: "none",
    invoiceAttributes: { vin: "1HGCM82633A004352" },
    customerUuid,
    attachInvoice: true,
    esignInvoice: false,
    sendAsText: true,
    sendAsEmail: true,
    orderNumber: `RO-BENCH-${n}`,
    orderType: "RO",
  });

const main = async () => {
  const workDir = mkdtempSync(join(tmpdir(), "payreq-bench-"));
  try {
    process.stderr.write(
      `bare Hono: ${connections} connections, ${warmupSeconds}s warm-up, ${durationSeconds}s\n`,
    );
    const bare = await startProcess(["--import", "tsx", "src/bare-server.ts"], {}, BENCH_DIR);
    let bareResult: LoadResult;
    try {
      bareResult = await measure(
        `${bare.url}${PATH}`,
        {},
        publishedBody("c0570000-0000-4000-8000-000000000001"),
      );
    } finally {
      await bare.stop();
    }

    const databasePath = join(workDir, "service.db");
    const database = openDatabase(databasePath);
    const core = createCore({
      database,
      paymentUrls: { baseUrl: "http://127.0.0.1/pay", ttlMs: 86_400_000 },
    });
    const demo = await seedDemo(database, core.credentials, core.clock);
    await database.close();
    if (!demo) throw new Error("fresh database was not empty");
    const { username, password } = demo.credentials.sunriseSender;

    process.stderr.write(
      "payreq service (embedded backend, demo data, Basic auth, audit log, synchronous=FULL)\n",
    );
    const service = await startProcess(
      ["--import", "tsx", "src/cli/main.ts", "serve"],
      { PAYREQ_DATABASE: databasePath, PORT: "0" },
      SERVER_DIR,
    );
    let serviceResult: LoadResult;
    try {
      serviceResult = await measure(
        `${service.url}${PATH}`,
        { authorization: `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}` },
        publishedBody(demo.ids.customers.sunriseFull),
      );
    } finally {
      await service.stop();
    }
    const check = openDatabase(databasePath);
    const audited = (check.sqlite.prepare("select count(*) as n from audit_log").get() as { n: number }).n;
    const synchronous = check.sqlite.pragma("synchronous", { simple: true });
    await check.close();

    const ratios = {
      throughput: serviceResult.requestsPerSecond / bareResult.requestsPerSecond,
      p50: serviceResult.latencyP50Ms / Math.max(bareResult.latencyP50Ms, 1),
      p99: serviceResult.latencyP99Ms / Math.max(bareResult.latencyP99Ms, 1),
    };
    const line = (name: string, r: LoadResult) =>
      `${name.padEnd(8)} ${r.requestsPerSecond.toFixed(0).padStart(8)} req/s  p50 ${String(r.latencyP50Ms).padStart(4)} ms  p99 ${String(r.latencyP99Ms).padStart(4)} ms  errors ${r.errors + r.timeouts}  non-2xx ${r.non2xx}`;
    console.log(
      `\nSend Payment Request, ${connections} connections, ${durationSeconds}s, ${cpus().length} cores`,
    );
    console.log(line("bare", bareResult));
    console.log(line("service", serviceResult));
    console.log(
      `ratio    throughput ${ratios.throughput.toFixed(2)}x  p50 ${ratios.p50.toFixed(2)}x  p99 ${ratios.p99.toFixed(2)}x  (audit rows written: ${audited}, synchronous=${synchronous === 2 ? "FULL" : synchronous})`,
    );

    let audit: ReturnType<typeof runAuditQueryBench> | undefined;
    const small = Number(values["audit-small"]);
    const large = Number(values["audit-large"]);
    if (!values["skip-audit"]) {
      process.stderr.write(`\naudit query benchmark: ${small} vs ${large} rows\n`);
      audit = runAuditQueryBench({ small, large, repeat: 200 });
      console.log(`\n${formatAuditQueryResults(audit, small, large)}`);
    }

    mkdirSync(join(BENCH_DIR, "results"), { recursive: true });
    writeFileSync(
      join(BENCH_DIR, "results", "latest.json"),
      `${JSON.stringify(
        {
          at: new Date().toISOString(),
          machine: { cores: cpus().length, cpu: cpus()[0]?.model, node: process.version },
          load: { connections, durationSeconds, warmupSeconds },
          bare: bareResult,
          service: {
            ...serviceResult,
            auditRows: audited,
            synchronous: synchronous === 2 ? "FULL" : String(synchronous),
          },
          ratios,
          audit: audit ? { smallRows: small, largeRows: large, queries: audit } : null,
        },
        null,
        2,
      )}\n`,
    );
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
};

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
