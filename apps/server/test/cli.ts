import { execFile } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createPostgresDatabase, type TestStoreKind } from "@payreq/core/testing/stores";
import { PAYREQ_MAIN, SERVER_DIR } from "./payreq-command.ts";

type Run = { code: number; stdout: string; stderr: string };

export const payreq = (args: string[], env: Record<string, string>, stdin = ""): Promise<Run> =>
  new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [PAYREQ_MAIN, ...args],
      { cwd: SERVER_DIR, env: { PATH: process.env.PATH ?? "", ...env } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
    child.stdin?.end(stdin);
  });

/** The environment that points a `payreq` process at a new, empty database of the kind. */
export const freshDatabase = async (kind: TestStoreKind = "sqlite"): Promise<Record<string, string>> =>
  kind === "sqlite"
    ? { PAYREQ_DATABASE: join(mkdtempSync(join(tmpdir(), "payreq-cli-")), "payreq.db") }
    : { PAYREQ_DATABASE_URL: await createPostgresDatabase() };

/** Where that environment points: the file, or the PostgreSQL URL. */
export const locationOf = (env: Record<string, string>) =>
  env.PAYREQ_DATABASE_URL ?? env.PAYREQ_DATABASE ?? "";
