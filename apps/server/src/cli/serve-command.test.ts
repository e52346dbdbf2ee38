import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "@payreq/core/testing/postgres-server";
import { TEST_STORES } from "@payreq/core/testing/stores";
import { describe, expect, it, onTestFinished } from "vitest";
import { freshDatabase, payreq } from "../../test/cli.ts";
import { PAYREQ_MAIN, SERVER_DIR } from "../../test/payreq-command.ts";
import { startServerProcess } from "../../test/server-process.ts";

type Ended = { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string };

/**
 * `payreq serve` that must end by itself. One still running after 20 s has hung (what these tests are about):
 * it is killed, and its signal makes the test fail.
 */
const serveUntilExit = (env: Record<string, string>): Promise<Ended> =>
  new Promise((resolve) => {
    const child: ChildProcess = spawn(process.execPath, [PAYREQ_MAIN, "serve"], {
      cwd: SERVER_DIR,
      env: { PATH: process.env.PATH ?? "", HOST: "127.0.0.1", PORT: "0", PAYREQ_METRICS_PORT: "0", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (d) => (stdout += d));
    child.stderr?.on("data", (d) => (stderr += d));
    const hung = setTimeout(() => child.kill("SIGKILL"), 20_000);
    child.once("exit", (code, signal) => {
      clearTimeout(hung);
      resolve({ code, signal, stdout, stderr });
    });
  });

/** Exited 1 by itself, with one line on stderr and no stack trace. */
const expectCleanFailure = (ended: Ended, message: RegExp) => {
  expect(ended.signal, ended.stderr).toBeNull();
  expect(ended.code, ended.stderr).toBe(1);
  const lines = ended.stderr.trim().split("\n");
  expect(lines, ended.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(message);
  expect(ended.stdout).not.toContain('"listening"');
};

describe("payreq serve that cannot start", { timeout: 30_000 }, () => {
  it("exits 1 when PostgreSQL is unreachable, closing the /metrics listener it had opened", async () => {
    const port = await freePort();
    const ended = await serveUntilExit({
      PAYREQ_DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/payreq`,
    });
    expectCleanFailure(
      ended,
      new RegExp(
        `^payreq: cannot open the PostgreSQL database \\(PAYREQ_DATABASE_URL\\): connect ECONNREFUSED 127\\.0\\.0\\.1:${port}$`,
      ),
    );
  });

  it("exits 1 when the file is not a SQLite database", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "payreq-serve-")), "notes.db");
    writeFileSync(
      path,
      "shopping list: brake pads, rotors, wiper blades, more text than a header\n".repeat(20),
    );
    const ended = await serveUntilExit({ PAYREQ_DATABASE: path });
    expectCleanFailure(
      ended,
      /^payreq: cannot open the SQLite database .*notes\.db \(PAYREQ_DATABASE\): file is not a database$/,
    );
  });

  it("exits 1 when PORT is in use, after closing the database and /metrics", async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    onTestFinished(() => new Promise<void>((resolve) => taken.close(() => resolve())));
    const { port } = taken.address() as { port: number };
    const ended = await serveUntilExit({ ...(await freshDatabase()), PORT: String(port) });
    expectCleanFailure(
      ended,
      new RegExp(
        `^payreq: cannot listen on 127\\.0\\.0\\.1:${port} \\(HOST, PORT\\): address already in use$`,
      ),
    );
  });
});

describe.each(TEST_STORES)("payreq serve with the demo data already in %s", { timeout: 30_000 }, (kind) => {
  it("says how to get new passwords in words that fit the store", async () => {
    const env = await freshDatabase(kind);
    expect((await payreq(["demo", "seed"], env)).code).toBe(0);
    const server = await startServerProcess({ ...env, PAYREQ_DEMO: "1" });
    expect(await server.stop()).toBe(0);
    const notice = server.logs.join("");
    expect(notice).toContain("Demo data already present");
    if (kind === "sqlite") expect(notice).toContain("or delete the database file");
    else {
      expect(notice).not.toContain("file");
      expect(notice).toContain("or point PAYREQ_DATABASE_URL at an empty database");
    }
  });
});
