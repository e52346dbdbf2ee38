import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { Hono } from "hono";
import type { AppDeps, AppEnv } from "../http/env.ts";
import { DOCS_CSP, pageSecurityHeaders } from "../http/security-headers.ts";
import { createOpenApiDocument } from "./document.ts";

const ASSETS: Record<string, string> = {
  "swagger-ui.css": "text/css; charset=utf-8",
  "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
  "favicon-32x32.png": "image/png",
};

const assetDir = dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>payreq — API documentation</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css">
<link rel="icon" href="/docs/assets/favicon-32x32.png">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script>
</body>
</html>`;

const INIT = `window.ui = SwaggerUIBundle({ url: "/openapi.json", dom_id: "#swagger-ui", deepLinking: true });`;

/** The OpenAPI document and a Swagger UI page whose assets come from this server, not a CDN. */
export const registerDocsRoutes = (app: Hono<AppEnv>, deps: AppDeps) => {
  const document = createOpenApiDocument();
  const headers = pageSecurityHeaders(DOCS_CSP, { hsts: deps.hsts ?? false });
  app.use("/docs", headers);
  app.use("/docs/*", headers);
  app.get("/openapi.json", (c) => c.json(document));
  app.get("/docs", (c) => c.html(PAGE));
  app.get("/docs/init.js", (c) => c.body(INIT, 200, { "Content-Type": "text/javascript; charset=utf-8" }));
  app.get("/docs/assets/:file", async (c) => {
    const file = c.req.param("file");
    const type = ASSETS[file];
    if (!type) return c.notFound();
    const bytes = await readFile(join(assetDir, file));
    return c.body(bytes, 200, { "Content-Type": type, "Cache-Control": "public, max-age=86400" });
  });
};
