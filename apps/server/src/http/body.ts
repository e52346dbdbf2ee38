import type { Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "./env.ts";
import { errorResponse } from "./envelope.ts";
import { parseJsonStrictly } from "./parse-json.ts";

export const MAX_BODY_BYTES = 64 * 1024;

/**
 * 413 for a body over 64 KiB, whether it declares its length or is streamed (chunked). A declared length is
 * checked from the header alone (Node's parser then delivers exactly that many bytes), which leaves the body
 * to be read once, directly; only a streamed body is read here, counting as it goes.
 */
export const limitBody = () => {
  const streamed = bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: (c) => errorResponse(c, "PAYLOAD_TOO_LARGE"),
  });
  return createMiddleware<AppEnv>(async (c, next) => {
    const declared = c.req.header("content-length");
    if (declared === undefined || c.req.header("transfer-encoding") !== undefined) return streamed(c, next);
    if (!/^\d{1,15}$/.test(declared)) return errorResponse(c, "MALFORMED_HTTP_REQUEST");
    if (Number(declared) > MAX_BODY_BYTES) return errorResponse(c, "PAYLOAD_TOO_LARGE");
    await next();
  });
};

const JSON_TYPE = /^application\/json\s*(;|$)/i;

/** Bodies are JSON only. */
export const requireJson = () =>
  createMiddleware<AppEnv>(async (c, next) => {
    if (c.req.method === "POST" && !JSON_TYPE.test(c.req.header("content-type") ?? "")) {
      return errorResponse(c, "UNSUPPORTED_MEDIA_TYPE", {
        description:
          `Content-Type must be application/json, not ${JSON.stringify(c.req.header("content-type") ?? "")}`.slice(
            0,
            200,
          ),
      });
    }
    await next();
  });

export type ParsedBody = { ok: true; value: unknown } | { ok: false; response: Response };

/** The JSON body, or a 400 in the envelope naming what is wrong. */
export const readJsonBody = async (c: Context<AppEnv>): Promise<ParsedBody> => {
  const parsed = parseJsonStrictly(await c.req.text());
  if (parsed.ok) return parsed;
  return {
    ok: false,
    response: errorResponse(c, "INVALID_REQUEST_DATA", {
      message: parsed.message,
      description: parsed.description,
    }),
  };
};

/** tRPC parses the body itself; this refuses what JSON.parse would let through first. */
export const inspectJsonBody = () =>
  createMiddleware<AppEnv>(async (c, next) => {
    if (c.req.method === "POST") {
      const parsed = await readJsonBody(c);
      if (!parsed.ok) return parsed.response;
    }
    await next();
  });
