import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { type StoreKind, startBenchStores } from "./bench-stores.ts";
import { COMPONENT_ORDER, profileByComponent } from "./cpu-profile.ts";
import { runLoad } from "./load.ts";
import { startProcess } from "./processes.ts";
import { publishedBody, SEND_PATH } from "./published-call.ts";

/**
 * Where a loaded `payreq serve` spends its CPU, component by component, in µs per call: the service on a fresh
 * SQLite file (or, with `--store postgres`, a database on a PostgreSQL server of its own) with the demo data, under `node --cpu-prof` with 4 ms sampling (which leaves its throughput as it
 * is; 1 ms sampling slowed the two-thread service by a third), `pnpm bench`'s load, and only the samples inside
 * the measured window, every thread counted. `--server-dir` profiles another checkout's apps/server, e.g. an
 * older commit's, for a before/after table:
 *
 *   pnpm --filter @payreq/bench profile-serve [--store postgres] [--server-dir /path/to/apps/server] [--duration 12]
 */
const { values } = parseArgs({
  options: {
    "server-dir": { type: "string", default: fileURLToPath(new URL("../../apps/server", import.meta.url)) },
    store: { type: "string", default: "sqlite" },
    connections: { type: "string", default: "50" },
    duration: { type: "string", default: "12" },
    warmup: { type: "string", default: "3" },
    /** Keep the raw `.cpuprofile` files in this directory (for DevTools or a finer look). */
    keep: { type: "string" },
  },
});
const serverDir = values["server-dir"];
const connections = Number(values.connections);

const micros = () => Number(process.hrtime.bigint() / 1000n);

const main = async () => {
  const kind = values.store as StoreKind;
  const stores = await startBenchStores([kind]);
  const dir = values.keep ?? mkdtempSync(join(tmpdir(), "payreq-profile-serve-"));
  try {
    const { store, env: storeEnv } = await stores.open(kind, "profile_serve");
    await store.close();
    const env = { ...storeEnv, PORT: "0", PAYREQ_METRICS_PORT: "0" };
    const cli = ["--import", "tsx", "src/cli/main.ts"];
    const seeded = execFileSync(process.execPath, [...cli, "demo", "seed"], {
      cwd: serverDir,
      env: { ...process.env, ...env },
      encoding: "utf8",
    });
    const password = /sunrise-sender\s+(\S+)/.exec(seeded)?.[1];
    if (!password) throw new Error(`demo seed printed no sunrise-sender password:\n${seeded}`);
    const headers = {
      authorization: `Basic ${Buffer.from(`sunrise-sender:${password}`).toString("base64")}`,
    };

    const service = await startProcess(
      ["--cpu-prof", "--cpu-prof-interval", "4000", "--cpu-prof-dir", dir, ...cli, "serve"],
      env,
      serverDir,
    );
    const url = `${service.url}${SEND_PATH}`;
    const load = (seconds: number, prefix: string) =>
      runLoad({ url, connections, durationSeconds: seconds, headers }, publishedBody(undefined, prefix));
    await load(Number(values.warmup), "RO-WARM");
    const from = micros();
    const result = await load(Number(values.duration), "RO-PROFILE");
    const to = micros();
    await service.stop(); // the profiles are written as the process exits

    const { components, threads } = profileByComponent(dir, from, to);
    const perCall = (us: number) => (us / Math.max(1, result.requests)).toFixed(1).padStart(7);
    console.log(
      `payreq serve (${serverDir}, ${kind}), ${connections} connections, ${values.duration}s: ${result.requestsPerSecond.toFixed(0)} req/s, p50 ${result.latencyP50Ms} ms, p99 ${result.latencyP99Ms} ms, ${result.requests} calls, non-2xx ${result.non2xx}`,
    );
    for (const thread of threads) {
      const busy = thread.busyMicros / (thread.busyMicros + thread.idleMicros);
      console.log(
        `thread ${thread.file}: ${perCall(thread.busyMicros)} µs per call, busy ${(100 * busy).toFixed(0)} %`,
      );
    }
    console.log("\nCPU µs per call, by component");
    let total = 0;
    for (const name of COMPONENT_ORDER) {
      const us = components.get(name) ?? 0;
      total += us;
      console.log(`${name.padEnd(56)} ${perCall(us)}`);
    }
    console.log(`${"total".padEnd(56)} ${perCall(total)}`);
  } finally {
    if (!values.keep) rmSync(dir, { recursive: true, force: true });
    stores.close();
  }
};

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
