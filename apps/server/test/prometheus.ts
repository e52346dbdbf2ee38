import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "@payreq/core/testing/postgres-server";

const PROMETHEUS = "/usr/bin/prometheus";
const PROMTOOL = "/usr/bin/promtool";

export type Target = { address: string; labels: Record<string, string> };

/** promtool (Debian's prometheus package) with `args`: its exit code and output. */
export const promtool = (...args: string[]) => {
  const run = spawnSync(PROMTOOL, args, { encoding: "utf8", timeout: 20_000 });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
};

type Vector = { metric: Record<string, string>; value: [number, string] }[];

/**
 * A throwaway Prometheus (Debian's) on a free loopback port and a temporary folder, scraping `targets` at `/metrics`
 * every second and evaluating `ruleFiles` every second.
 */
export const startPrometheus = async (targets: Target[], ruleFiles: string[]) => {
  const dir = mkdtempSync(join(tmpdir(), "payreq-prometheus-"));
  const port = await freePort();
  const config = {
    global: { scrape_interval: "1s", evaluation_interval: "1s", scrape_timeout: "900ms" },
    rule_files: ruleFiles,
    scrape_configs: [
      {
        job_name: "payreq",
        metrics_path: "/metrics",
        static_configs: targets.map((t) => ({ targets: [t.address], labels: t.labels })),
      },
    ],
  };
  // JSON is YAML: no YAML writer needed.
  writeFileSync(join(dir, "prometheus.yml"), JSON.stringify(config, null, 2));
  const logs: string[] = [];
  const child: ChildProcess = spawn(
    PROMETHEUS,
    [
      `--config.file=${join(dir, "prometheus.yml")}`,
      `--storage.tsdb.path=${join(dir, "data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  child.stdout?.on("data", (d) => logs.push(String(d)));
  child.stderr?.on("data", (d) => logs.push(String(d)));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const base = `http://127.0.0.1:${port}`;

  const api = async <T>(path: string): Promise<T> => {
    const response = await fetch(`${base}${path}`);
    const body = (await response.json()) as { status: string; data: T; error?: string };
    if (body.status !== "success") throw new Error(`${path}: ${body.error}`);
    return body.data;
  };

  return {
    url: base,
    logs,
    api,
    /** An instant query's vector. */
    query: (promql: string) => api<{ result: Vector }>(`/api/v1/query?query=${encodeURIComponent(promql)}`),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      const forced = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(forced);
      rmSync(dir, { recursive: true, force: true });
    },
  };
};
