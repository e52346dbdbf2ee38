import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { PAYREQ_MAIN, SERVER_DIR } from "./payreq-command.ts";

export type ServerProcess = {
  url: string;
  /** Its /metrics listener, on a free loopback port of its own (or "off"). */
  metricsUrl: string;
  child: ChildProcess;
  logs: string[];
  exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
};

/**
 * `payreq serve` as a real process on a free loopback port; resolves once it logs "listening". `processGroup`:
 * in a process group of its own, and signalled as a group (as systemd and other supervisors do).
 */
export const startServerProcess = (
  env: Record<string, string>,
  options: { processGroup?: boolean } = {},
): Promise<ServerProcess> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [PAYREQ_MAIN, "serve"], {
      cwd: SERVER_DIR,
      detached: options.processGroup ?? false,
      env: {
        PATH: process.env.PATH ?? "",
        HOST: "127.0.0.1",
        PORT: "0",
        PAYREQ_METRICS_PORT: "0",
        PAYREQ_DEMO: "0",
        // No load balancer to tell: a SIGTERM stops accepting at once (the drain tests set their own).
        PAYREQ_DRAIN_TIMEOUT: "0",
        ...env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const logs: string[] = [];
    const exited = new Promise<number | null>((done) => child.once("exit", (code) => done(code)));
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${logs.join("\n")}`)), 20_000);
    child.stderr?.on("data", (d) => logs.push(String(d)));
    exited.then((code) =>
      reject(new Error(`server exited with ${code} before listening:\n${logs.join("\n")}`)),
    );
    createInterface({ input: child.stdout! }).on("line", (line) => {
      logs.push(line);
      if (!line.includes('"listening"')) return;
      clearTimeout(timer);
      const { url, metrics } = JSON.parse(line) as { url: string; metrics: string };
      resolve({
        url,
        metricsUrl: metrics,
        child,
        logs,
        exited,
        stop: (signal = "SIGTERM") => {
          if (child.exitCode !== null || child.signalCode !== null) return exited;
          if (options.processGroup && child.pid) process.kill(-child.pid, signal);
          else child.kill(signal);
          return exited;
        },
      });
    });
  });
