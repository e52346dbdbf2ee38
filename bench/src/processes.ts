import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";

export type Started = {
  url: string;
  child: ChildProcess;
  /** CPU time the process has used so far, all its threads, in microseconds (from /proc on Linux). */
  cpuMicros(): number;
  stop(): Promise<void>;
};

const TICKS_PER_SECOND = 100;
const processCpuMicros = (pid: number | undefined) => {
  if (pid === undefined) return 0;
  // Fields 14 and 15 of /proc/<pid>/stat (after the parenthesised name): user and system time, in clock ticks.
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1_000_000) / TICKS_PER_SECOND;
};

const running = new Set<ChildProcess>();
const killAll = () => {
  for (const child of running) child.kill("SIGKILL");
};
process.once("exit", killAll);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    killAll();
    process.exit(130);
  });
}

/** Starts a server process and waits for its `listening` log line; its output is read and dropped. */
export const startProcess = (args: string[], env: Record<string, string>, cwd: string): Promise<Started> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd,
      // No load balancer: SIGTERM stops accepting at once.
      env: { PATH: process.env.PATH ?? "", PAYREQ_DRAIN_TIMEOUT: "0", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    running.add(child);
    const exited = new Promise<void>((done) =>
      child.once("exit", () => {
        running.delete(child);
        done();
      }),
    );
    const errors: string[] = [];
    child.stderr?.on("data", (d) => errors.push(String(d)));
    const timer = setTimeout(
      () => reject(new Error(`no "listening" within 30 s: ${errors.join("")}`)),
      30_000,
    );
    exited.then(() => reject(new Error(`exited before listening: ${errors.join("")}`)));
    createInterface({ input: child.stdout! }).on("line", (line) => {
      if (!line.includes('"listening"')) return;
      clearTimeout(timer);
      resolve({
        url: (JSON.parse(line) as { url: string }).url,
        child,
        cpuMicros: () => processCpuMicros(child.pid),
        stop: async () => {
          child.kill("SIGTERM");
          const forced = setTimeout(() => child.kill("SIGKILL"), 10_000);
          await exited;
          clearTimeout(forced);
        },
      });
    });
  });
