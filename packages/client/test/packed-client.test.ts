import { execFile } from "node:child_process";
import { cp, mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startSeededServer } from "@payreq/server/test/seeded-server";
import { beforeAll, describe, expect, it, onTestFinished } from "vitest";

const CLIENT_DIR = fileURLToPath(new URL("..", import.meta.url));
const CONSUMER_FIXTURES = fileURLToPath(new URL("./consumer", import.meta.url));
const TSC = createRequire(import.meta.url).resolve("typescript/bin/tsc");

type Run = { code: number; stdout: string; stderr: string };

const run = (command: string, args: string[], options: { cwd: string; env?: Record<string, string> }) =>
  new Promise<Run>((resolve) => {
    execFile(
      command,
      args,
      { cwd: options.cwd, env: { ...process.env, ...options.env }, timeout: 120_000, maxBuffer: 16 << 20 },
      (error, stdout, stderr) =>
        resolve({
          code: error ? Number(error.code ?? 1) : 0,
          stdout: String(stdout),
          stderr: String(stderr),
        }),
    );
  });

const succeed = async (command: string, args: string[], options: Parameters<typeof run>[2]) => {
  const result = await run(command, args, options);
  if (result.code !== 0)
    throw new Error(`${command} ${args.join(" ")} failed:\n${result.stdout}\n${result.stderr}`);
  return result;
};

/**
 * A caller's compiler settings: strict, no @types at all, and the package's declarations checked too (no
 * skipLibCheck). tRPC's own declarations name Disposable, hence that lib.
 */
const tsconfig = (files: string[], emit: boolean) => ({
  compilerOptions: {
    strict: true,
    target: "ES2022",
    module: "NodeNext",
    moduleResolution: "NodeNext",
    lib: ["ES2022", "DOM", "ESNext.Disposable"],
    types: [],
    skipLibCheck: false,
    ...(emit ? { outDir: "out" } : { noEmit: true }),
  },
  files,
});

let consumer: string;
let compiled: Run;

beforeAll(async () => {
  const packs = await mkdtemp(join(tmpdir(), "payreq-pack-"));
  // The package's own prepack builds dist/, as `pnpm pack` or a registry publish would.
  await succeed("pnpm", ["pack", "--pack-destination", packs], { cwd: CLIENT_DIR });
  const [file] = await readdir(packs);
  const tarball = join(packs, file ?? "");

  // A project outside the workspace: npm, the tarball, its declared dependencies, nothing linked.
  consumer = await mkdtemp(join(tmpdir(), "payreq-consumer-"));
  await cp(CONSUMER_FIXTURES, consumer, { recursive: true });
  await writeFile(
    join(consumer, "package.json"),
    JSON.stringify({
      name: "consumer",
      private: true,
      type: "module",
      dependencies: { "@payreq/client": `file:${tarball}` },
    }),
  );
  await succeed("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", "--ignore-scripts"], {
    cwd: consumer,
  });
  await writeFile(join(consumer, "tsconfig.json"), JSON.stringify(tsconfig(["caller.ts"], true)));
  compiled = await run(process.execPath, [TSC, "-p", "tsconfig.json"], { cwd: consumer });
}, 180_000);

describe("the packed @payreq/client in a project of its own", { timeout: 60_000 }, () => {
  it("installs only public packages: nothing of the server, core or its database", async () => {
    const installed = await readdir(join(consumer, "node_modules"));
    const scoped = await readdir(join(consumer, "node_modules", "@payreq"));
    expect(scoped).toEqual(["client"]);
    for (const name of ["better-sqlite3", "drizzle-orm", "hono"]) expect(installed).not.toContain(name);
    const manifest = JSON.parse(
      await readFile(join(consumer, "node_modules/@payreq/client/package.json"), "utf8"),
    );
    expect(Object.keys(manifest.dependencies).sort()).toEqual(["@trpc/client", "@trpc/server", "zod"]);
    const declarations = await readFile(join(consumer, "node_modules/@payreq/client/index.d.ts"), "utf8");
    expect(declarations).not.toMatch(/@payreq\/|drizzle|better-sqlite3|Core\b/);
    // The values the declarations promise are the ones the JavaScript has.
    const { stdout } = await succeed(
      process.execPath,
      [
        "--input-type=module",
        "-e",
        'console.log(Object.keys(await import("@payreq/client")).sort().join(" "))',
      ],
      { cwd: consumer },
    );
    const declared = /^export \{ ([^}]*) \};$/m.exec(declarations)?.[1]?.split(", ").sort().join(" ");
    expect(stdout.trim()).toBe(declared);
  });

  it("compiles a correct caller under tsc --strict, its results typed as the exported types, and refuses a misspelled field", async () => {
    expect(compiled.stdout + compiled.stderr).toBe("");
    expect(compiled.code).toBe(0);

    await writeFile(
      join(consumer, "tsconfig.misspelled.json"),
      JSON.stringify(tsconfig(["misspelled.ts"], false)),
    );
    const misspelled = await run(process.execPath, [TSC, "-p", "tsconfig.misspelled.json"], {
      cwd: consumer,
    });
    expect(misspelled.code).not.toBe(0);
    expect(misspelled.stdout).toMatch(/misspelled\.ts.*error TS(2353|2561):.*'sendAsTxt' does not exist/);
    expect(misspelled.stdout).toMatch(/misspelled\.ts.*error TS2551:.*'paymentURL' does not exist/);
    expect(misspelled.stdout).toMatch(
      /misspelled\.ts.*error TS2693: 'SendPaymentRequestInput' only refers to a type/,
    );
    // Only those three: the package's own declarations check cleanly with skipLibCheck off.
    expect(misspelled.stdout.trim().split("\n")).toHaveLength(3);
  });

  it("runs the compiled caller against a real server", async () => {
    const { server, demo } = await startSeededServer();
    onTestFinished(() => server.stop().then(() => undefined));
    const { sunriseSender, ops } = demo.credentials;

    const config = {
      url: server.url,
      sender: sunriseSender,
      ops,
      departmentUuid: demo.ids.departments.sunrise,
      customerUuid: demo.ids.customers.sunriseFull,
      orderNumber: "RO-PACKED-1",
    };
    const { stdout } = await succeed(process.execPath, ["main.mjs"], {
      cwd: consumer,
      env: { PAYREQ_CALLER_CONFIG: JSON.stringify(config) },
    });
    const seen = JSON.parse(stdout);

    expect(seen.sent).toMatchObject({ textSent: "SUCCESS", orderCreated: true });
    expect(seen.sent.paymentUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/pay\//);
    expect(seen.replayedSamePaymentRequest).toBe(true);
    expect(seen.invalid).toMatchObject({ httpStatus: 400, errorCode: 100006, advice: { retry: false } });
    expect(seen.invalid.errorDescription).toContain("2 decimals");
    expect(seen.reusedKey).toMatchObject({
      httpStatus: 422,
      errorCode: seen.catalog.reused,
      advice: { retry: false },
    });
    expect(seen.wrongPassword).toMatchObject({ httpStatus: 401, errorCode: seen.catalog.wrongCredential });
    expect(seen.unreachable).toMatchObject({ advice: { retry: true, sameIdempotencyKey: true } });
    expect(seen.unreachable.httpStatus).toBeUndefined();
    expect(seen.forbidden).toMatchObject({ httpStatus: 403, errorCode: 100014 });
    // Newest first: the replay's own row, then the call it replayed; both name the order.
    expect(seen.listed).toHaveLength(2);
    expect(seen.listed.at(-1)).toBe(seen.sent.requestId);
    expect(seen.nextCursor).toBeNull();
    expect(seen.record).toMatchObject({ requestId: seen.sent.requestId, outcome: "SUCCESS" });
    expect(seen.record.timelineSteps).toBeGreaterThan(0);
    expect(seen.statsTotal).toBeGreaterThanOrEqual(4);
  });
});
