import type { Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "./env.ts";
import { errorResponse } from "./envelope.ts";

export const MAX_BODY_BYTES = 64 * 1024;

/** 413 for a body over 64 KiB, whether it declares its length or is streamed (chunked). */
export const limitBody = () =>
  bodyLimit({ maxSize: MAX_BODY_BYTES, onError: (c) => errorResponse(c, "PAYLOAD_TOO_LARGE") });

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

/** The JSON body, or a 400 in the envelope. */
export const readJsonBody = async (c: Context<AppEnv>): Promise<ParsedBody> => {
  const text = await c.req.text();
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return {
      ok: false,
      response: errorResponse(c, "INVALID_REQUEST_DATA", {
        message: "The request body is not valid JSON",
        description:
          error instanceof SyntaxError ? error.message.slice(0, 200) : "The body could not be read as JSON",
      }),
    };
  }
};
