// The import rule of docs/architecture.md, checked by `pnpm lint` (and so by CI).
// Layers of @payreq/core, bottom up: domain → ports → features and adapters → composition.
const CORE = "^packages/core/src/";
/**
 * Adapters: the stores, the upstream platform's client, the SMTP and SMS senders, the webhooks' HTTP client, the
 * card processor (Stripe).
 */
const ADAPTERS = `${CORE}(store|platform/upstream|notify/senders|webhooks/http|payments/stripe)/`;
/** The files that wire features and adapters together; nothing else in core imports them. */
const COMPOSITION = `${CORE}(index|create-core|programs|open-store|sqlite-worker-main|sqlite-worker-entry|testing|profiling)\\.(ts|mjs)$`;
const TESTS = "(\\.test\\.ts$|^packages/[^/]+/test/|^apps/server/test/)";

module.exports = {
  forbidden: [
    {
      name: "no-circular",
      comment: "No import circles, anywhere: each layer and each folder stands above what it imports.",
      severity: "error",
      from: {},
      to: { circular: true },
    },
    {
      name: "not-to-unresolvable",
      comment: "Every import resolves (a workspace package a package does not declare does not).",
      severity: "error",
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: "contracts-import-nothing-ours",
      comment: "@payreq/contracts imports zod and nothing of ours: both servers and clients use it.",
      severity: "error",
      from: { path: "^packages/contracts/" },
      to: { path: "^((packages/(core|client)|apps|bench)/|@payreq/(core|client|server))" },
    },
    {
      name: "core-not-server",
      comment: "@payreq/core knows nothing of HTTP: it never imports the server, the client or the bench.",
      severity: "error",
      from: { path: "^packages/core/" },
      to: { path: "^(apps|packages/client|bench)/" },
    },
    {
      name: "domain-imports-only-contracts",
      comment:
        "The domain (entities, value types, errors, ids, money) imports only @payreq/contracts of ours.",
      severity: "error",
      from: { path: `${CORE}domain/` },
      to: { path: "^(packages|apps)/", pathNot: [`${CORE}domain/`, "^packages/contracts/"] },
    },
    {
      name: "ports-import-only-domain",
      comment:
        "The ports (platform, notifier, store and programs, metrics, clock, logger) import only the domain.",
      severity: "error",
      from: { path: `${CORE}ports/` },
      to: { path: "^(packages|apps)/", pathNot: [`${CORE}(domain|ports)/`, "^packages/contracts/"] },
    },
    {
      name: "adapters-import-only-ports-and-domain",
      comment:
        "An adapter implements a port: it imports ports, the domain and its own family, never a feature.",
      severity: "error",
      from: { path: ADAPTERS, pathNot: TESTS },
      to: { path: "^(packages|apps)/", pathNot: [`${CORE}(domain|ports|$1)/`, "^packages/contracts/"] },
    },
    {
      name: "features-do-not-import-adapters",
      comment: "Features use ports; only the composition files pick the adapters behind them.",
      severity: "error",
      from: { path: CORE, pathNot: [ADAPTERS, COMPOSITION, `${CORE}(domain|ports)/`, TESTS] },
      to: { path: ADAPTERS },
    },
    {
      name: "nothing-imports-composition",
      comment:
        "The composition files (index, create-core, programs, ...) are imported only by each other and tests.",
      severity: "error",
      from: { path: CORE, pathNot: [COMPOSITION, TESTS] },
      to: { path: COMPOSITION },
    },
    {
      name: "server-uses-core-surface",
      comment: "The server uses @payreq/core's chosen surface (src/index.ts), not its files.",
      severity: "error",
      from: { path: "^apps/server/src/", pathNot: TESTS },
      to: { path: "^packages/core/", pathNot: `${CORE}index\\.ts$` },
    },
    {
      name: "client-imports-contracts-and-router-type",
      comment:
        "@payreq/client ships contracts and the router's type only: nothing of core or the server's code.",
      severity: "error",
      from: { path: "^packages/client/src/", pathNot: TESTS },
      to: {
        path: "^(packages/core|apps/server/src/(?!trpc/router\\.ts$))",
        dependencyTypesNot: ["type-only"],
      },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    // The packed client's consumer project is compiled by its own test, outside the workspace.
    exclude: { path: "(node_modules|/dist/|__generated__|^packages/client/test/consumer/)" },
    tsPreCompilationDeps: true,
    combinedDependencies: false,
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      extensions: [".ts", ".mjs", ".js", ".d.mts", ".d.ts"],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
