import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import type { Hono } from "hono";
import type { AppEnv } from "../http/env.ts";

const ASSETS = {
  "ops.css": "text/css; charset=utf-8",
  "ops.js": "text/javascript; charset=utf-8",
} as const;

/**
 * The console's only stylesheet and script, served by the app itself (no CDN, no build step): the
 * Content-Security-Policy allows nothing else. Revalidated by ETag so a new version shows at once.
 */
export const registerAssetRoutes = (ops: Hono<AppEnv>) => {
  for (const [name, type] of Object.entries(ASSETS)) {
    const body = readFileSync(new URL(`./assets/${name}`, import.meta.url));
    const etag = `"${createHash("sha256").update(body).digest("base64url").slice(0, 22)}"`;
    ops.get(`/assets/${name}`, (c) => {
      c.header("ETag", etag);
      c.header("Cache-Control", "no-cache");
      if (c.req.header("if-none-match") === etag) return c.body(null, 304);
      c.header("Content-Type", type);
      return c.body(body);
    });
  }
};
