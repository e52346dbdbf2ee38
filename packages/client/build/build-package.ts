import { copyFile, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { build, type Plugin } from "esbuild";
import { rollup } from "rollup";
import { dts } from "rollup-plugin-dts";

/**
 * Builds the installable package into dist/ (what `pnpm pack` packs, through publishConfig.directory):
 * ESM JavaScript with the contracts' catalog inlined, one .d.ts with the router's and the contracts' types
 * inlined, and a package.json whose dependencies are public npm packages only. Workspace consumers keep
 * using src/ directly; nothing here runs for them.
 */

const root = fileURLToPath(new URL("..", import.meta.url));
const dist = `${root}dist/`;
const entry = `${root}src/index.ts`;
const require = createRequire(import.meta.url);

/** What an installed copy may import: tRPC (client, and the server package its types come from) and zod. */
const PUBLIC_DEPENDENCIES = ["@trpc/client", "@trpc/server", "zod"] as const;

const isPublic = (id: string) => PUBLIC_DEPENDENCIES.some((name) => id === name || id.startsWith(`${name}/`));

const installedVersion = async (name: string) =>
  (JSON.parse(await readFile(require.resolve(`${name}/package.json`), "utf8")) as { version: string })
    .version;

/** The contracts' schemas are unused by the client's code; only the catalog (plain data) should be bundled. */
const contractsWithoutSideEffects: Plugin = {
  name: "contracts-without-side-effects",
  setup(bundle) {
    bundle.onResolve({ filter: /^@payreq\/contracts$/ }, (args) => ({
      path: require.resolve(args.path, { paths: [args.resolveDir] }),
      sideEffects: false,
    }));
  },
};

const buildJavaScript = () =>
  build({
    entryPoints: [entry],
    outfile: `${dist}index.js`,
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    external: [...PUBLIC_DEPENDENCIES],
    plugins: [contractsWithoutSideEffects],
    logLevel: "warning",
  });

/**
 * Workspace packages by their real paths, as Node resolves them: through the client's node_modules symlink the
 * server's own dependencies could not be named in its declarations (TS2742).
 */
const workspacePackagesByRealPath = {
  name: "workspace-packages-by-real-path",
  resolveId: (id: string) => (id.startsWith("@payreq/") ? require.resolve(id) : null),
};

const buildDeclarations = async () => {
  const bundle = await rollup({
    input: entry,
    // Everything but the public dependencies is inlined: the router's type and the contracts it names.
    external: isPublic,
    plugins: [workspacePackagesByRealPath, dts({ respectExternal: true, tsconfig: `${root}tsconfig.json` })],
  });
  await bundle.write({ file: `${dist}index.d.ts`, format: "es" });
  await bundle.close();
};

const importedModules = (code: string) =>
  new Set([...code.matchAll(/(?:from\s*|import\s*\(\s*|import\s+)["']([^"']+)["']/g)].map((m) => m[1] ?? ""));

/** Fails the build when the output would need anything an outside project cannot install. */
const checkImports = async (file: string) => {
  const code = await readFile(`${dist}${file}`, "utf8");
  const foreign = [...importedModules(code)].filter((id) => !isPublic(id));
  if (foreign.length > 0) throw new Error(`dist/${file} imports ${foreign.join(", ")}`);
};

const writeManifest = async () => {
  const source = JSON.parse(await readFile(`${root}package.json`, "utf8")) as Record<string, unknown>;
  const trpc = await installedVersion("@trpc/server");
  const manifest = {
    name: source.name,
    version: source.version,
    description: source.description,
    type: "module",
    engines: { node: ">=20.19" },
    exports: { ".": { types: "./index.d.ts", import: "./index.js" } },
    types: "./index.d.ts",
    sideEffects: false,
    // tRPC's client and server must be the same version; zod's types are what the contracts are written in.
    dependencies: { "@trpc/client": trpc, "@trpc/server": trpc, zod: `^${await installedVersion("zod")}` },
  };
  await writeFile(`${dist}package.json`, `${JSON.stringify(manifest, null, 2)}\n`);
};

await rm(dist, { recursive: true, force: true });
await mkdir(dist, { recursive: true });
await Promise.all([buildJavaScript(), buildDeclarations()]);
await Promise.all([checkImports("index.js"), checkImports("index.d.ts")]);
await writeManifest();
await copyFile(`${root}README.md`, `${dist}README.md`);
