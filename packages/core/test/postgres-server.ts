import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

const BIN = "/usr/lib/postgresql/15/bin";

export type PostgresServer = {
  /** postgres://postgres@127.0.0.1:PORT/NAME */
  urlOf(database: string): string;
  port: number;
  dir: string;
  /** pg_ctl stop: `fast` ends sessions cleanly, `immediate` is a crash (recovery at next start). */
  stop(mode?: "fast" | "immediate"): void;
  start(): void;
  /** Stops the server and removes its files. */
  destroy(): void;
};

/** A port nothing listens on now, on loopback (for servers that must be told their port). */
export const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

/** PostgreSQL refuses to run as root: as root, its programs run as the `postgres` user. */
const asPostgres = (command: string, args: string[]) => {
  const root = process.getuid?.() === 0;
  const result = root
    ? spawnSync("runuser", ["-u", "postgres", "--", command, ...args], { encoding: "utf8" })
    : spawnSync(command, args, { encoding: "utf8" });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(" ")} failed:\n${result.stdout}\n${result.stderr}`);
  }
};

/**
 * A throwaway PostgreSQL 15 server (Debian's `postgresql` package) on a loopback port and a temporary directory.
 * `durable: false` turns fsync off, which is fine for tests that do not kill the machine; the crash harness keeps
 * it on.
 */
export const startPostgresServer = async (options: { durable?: boolean } = {}): Promise<PostgresServer> => {
  if (!existsSync(`${BIN}/initdb`)) {
    throw new Error(
      `PostgreSQL 15 is not installed (${BIN}/initdb is missing): apt-get install -y postgresql (the tests need a real server)`,
    );
  }
  const dir = mkdtempSync(join(tmpdir(), "payreq-pg-"));
  chmodSync(dir, 0o755);
  if (process.getuid?.() === 0) {
    const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
    const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
    chownSync(dir, uid, gid);
  }
  const data = join(dir, "data");
  asPostgres(`${BIN}/initdb`, ["-D", data, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8"]);
  const port = await freePort();
  const settings = [
    `-p ${port}`,
    `-k ${dir}`,
    "-c listen_addresses=127.0.0.1",
    "-c max_connections=400",
    ...(options.durable ? [] : ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]),
  ].join(" ");
  const start = () =>
    asPostgres(`${BIN}/pg_ctl`, ["-D", data, "-o", settings, "-l", join(dir, "log"), "-w", "start"]);
  start();
  return {
    port,
    dir,
    urlOf: (database) => `postgres://postgres@127.0.0.1:${port}/${database}`,
    start,
    stop: (mode = "fast") => asPostgres(`${BIN}/pg_ctl`, ["-D", data, "-m", mode, "-w", "stop"]),
    destroy() {
      try {
        asPostgres(`${BIN}/pg_ctl`, ["-D", data, "-m", "immediate", "-w", "stop"]);
      } catch {
        // already stopped
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
};
