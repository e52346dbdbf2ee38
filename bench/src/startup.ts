import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { type StoreKind, startBenchStores } from "./bench-stores.ts";
import { payreqCommand } from "./service-command.ts";

const SERVER_DIR = fileURLToPath(new URL("../../apps/server", import.meta.url));

/** Resident memory of a process, in MiB (its worker threads included: they share it). */
const rssMiB = (pid: number) => {
  const line = readFileSync(`/proc/${pid}/status`, "utf8")
    .split("\n")
    .find((l) => l.startsWith("VmRSS:"));
  return Number(line?.replace(/\D+/g, "") ?? 0) / 1024;
};

/**
 * One start of `payreq serve`: the time from spawn to the first 200 of /readyz (the listener up, the database open
 * and migrated), and its resident memory then.
 */
const startOnce = (args: string[], env: Record<string, string>) =>
  new Promise<{ readyMs: number; rssMiB: number }>((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [...args, "serve"], {
      cwd: SERVER_DIR,
      env: {
        PATH: process.env.PATH ?? "",
        PORT: "0",
        PAYREQ_METRICS: "off",
        PAYREQ_DRAIN_TIMEOUT: "0",
        ...env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stderr.on("data", (d) => (output += String(d)));
    child.once("exit", (code) => reject(new Error(`exited ${code}: ${output}`)));
    let buffered = "";
    child.stdout.on("data", async (d) => {
      buffered += String(d);
      const line = buffered.split("\n").find((l) => l.includes('"listening"'));
      if (!line) return;
      buffered = "";
      const { url } = JSON.parse(line) as { url: string };
      for (;;) {
        const ready = await fetch(`${url}/readyz`).catch(() => undefined);
        if (ready?.status === 200) break;
      }
      const result = { readyMs: performance.now() - started, rssMiB: rssMiB(child.pid ?? 0) };
      child.removeAllListeners("exit");
      child.once("exit", () => resolve(result));
      child.kill("SIGTERM");
    });
  });

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

/**
 * `pnpm --filter @payreq/bench startup [--runs 7]`: start-up time and memory of `payreq serve`, run from its
 * TypeScript sources through tsx's loader (how it ran before the build) and from the build with plain node, on
 * each store, in alternating rounds; medians.
 */
const main = async () => {
  const { values } = parseArgs({
    options: {
      runs: { type: "string", default: "7" },
      stores: { type: "string", default: "sqlite,postgres" },
    },
  });
  const kinds = values.stores.split(",") as StoreKind[];
  const stores = await startBenchStores(kinds);
  const ways = {
    "tsx loader (sources)": payreqCommand(SERVER_DIR, { fromSources: true }),
    "build (node dist/payreq.mjs)": payreqCommand(SERVER_DIR),
  };
  try {
    console.log(`payreq serve from spawn to /readyz 200, and its memory then (median of ${values.runs})`);
    for (const kind of kinds) {
      const { store, env } = await stores.open(kind, `startup_${kind}`);
      await store.close();
      const results = Object.fromEntries(
        Object.keys(ways).map((way) => [way, [] as { readyMs: number; rssMiB: number }[]]),
      );
      for (let round = 0; round < Number(values.runs); round++) {
        for (const [way, args] of Object.entries(ways)) results[way]?.push(await startOnce(args, env));
      }
      for (const [way, runs] of Object.entries(results)) {
        console.log(
          `${kind.padEnd(9)} ${way.padEnd(30)} ${median(runs.map((r) => r.readyMs))
            .toFixed(0)
            .padStart(6)} ms  ${median(runs.map((r) => r.rssMiB))
            .toFixed(1)
            .padStart(6)} MiB`,
        );
      }
    }
  } finally {
    stores.close();
  }
};

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
