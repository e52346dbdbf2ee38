// The service's build: the server, the `payreq` command and the SQLite worker bundled with esbuild into
// apps/server/dist, run with plain `node` (no TypeScript loader). Plain JavaScript, so that it runs before
// anything is built.
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const SERVER = fileURLToPath(new URL("..", import.meta.url));
const ROOT = join(SERVER, "..", "..");
const CORE = join(ROOT, "packages", "core");
export const DIST = join(SERVER, "dist");
/** What `node` runs: `node apps/server/dist/payreq.mjs serve`. */
export const MAIN = join(DIST, "payreq.mjs");

/**
 * Native or data-carrying packages stay outside the bundle, loaded from node_modules at run time: better-sqlite3
 * (a compiled addon) and pdfkit (reads its font metrics from its own folder). pg's optional native binding is
 * never installed.
 */
const EXTERNAL = ["better-sqlite3", "pdfkit", "pg-native"];

/** Everything whose change makes the build stale. */
const INPUTS = [
  join(SERVER, "src"),
  join(SERVER, "build"),
  join(SERVER, "package.json"),
  join(ROOT, "packages", "contracts", "src"),
  join(CORE, "src"),
  join(CORE, "migrations"),
  join(ROOT, "packages", "contracts", "package.json"),
  join(CORE, "package.json"),
  join(ROOT, "pnpm-lock.yaml"),
];

const newestChange = (path) => {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (entry === "node_modules" || entry.endsWith(".test.ts")) continue;
    newest = Math.max(newest, newestChange(join(path, entry)));
  }
  return newest;
};

/** The build is missing, or a source changed after it was made. */
export const isStale = () =>
  !existsSync(MAIN) || Math.max(...INPUTS.map(newestChange)) > statSync(MAIN).mtimeMs;

export const buildService = async () => {
  const { build } = await import("esbuild");
  rmSync(DIST, { recursive: true, force: true });
  await build({
    entryPoints: {
      payreq: join(SERVER, "src", "cli", "main.ts"),
      "sqlite-worker": join(CORE, "src", "sqlite-worker-main.ts"),
    },
    outdir: DIST,
    outExtension: { ".js": ".mjs" },
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20.19",
    external: EXTERNAL,
    // Bundled CommonJS packages call require() for Node's own modules: give the ES module one.
    banner: {
      js: 'import { createRequire as __payreqRequire } from "node:module"; const require = __payreqRequire(import.meta.url);',
    },
    define: { __PAYREQ_BUNDLED__: "true" },
    sourcemap: "linked",
    legalComments: "none",
    logLevel: "warning",
  });
  // Files read at run time, beside the bundle (see bundle-layout.ts in core and the server).
  cpSync(join(CORE, "migrations", "sqlite"), join(DIST, "migrations", "sqlite"), { recursive: true });
  cpSync(join(CORE, "migrations", "postgres"), join(DIST, "migrations", "postgres"), { recursive: true });
  mkdirSync(join(DIST, "assets"), { recursive: true });
  cpSync(join(SERVER, "src", "ops", "assets"), join(DIST, "assets"), { recursive: true });
  return MAIN;
};

/** Builds when the build is missing or older than its sources; answers the file to run. */
export const buildIfStale = async () => (isStale() ? buildService() : MAIN);

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const started = performance.now();
  await buildService();
  console.error(`built ${MAIN} in ${Math.round(performance.now() - started)} ms`);
}
