import { TRPCClientError } from "@trpc/client";
import { describe, expect, it } from "vitest";
import { retryAdvice } from "./retry.ts";

/** An error as httpLink builds it from a refusal: the formatted shape, and the HTTP response in meta. */
const refusal = (httpStatus: number, headers: Record<string, string> = {}) =>
  TRPCClientError.from(
    {
      error: {
        message: "refused",
        code: -32600,
        data: { httpStatus, errorCode: 109002, errors: [], warnings: [] },
      },
    },
    { meta: { response: new Response(null, { status: httpStatus, headers }) } },
  );

describe("retryAdvice", () => {
  it("waits the server's Retry-After for a key still running, throttling and a busy service", () => {
    for (const [status, seconds] of [
      [409, "3"],
      [429, "60"],
      [503, "1"],
    ] as const) {
      expect(retryAdvice(refusal(status, { "Retry-After": seconds }))).toMatchObject({
        retry: true,
        afterMs: Number(seconds) * 1000,
        sameIdempotencyKey: true,
      });
    }
  });

  it("backs off, growing with the attempt, after a 5xx without Retry-After or no answer at all", () => {
    const first = retryAdvice(refusal(502), 0);
    const fifth = retryAdvice(TRPCClientError.from(new TypeError("fetch failed")), 4);
    expect(first).toMatchObject({ retry: true, sameIdempotencyKey: true });
    expect(fifth).toMatchObject({ retry: true, reason: "no answer from the service" });
    if (!first.retry || !fifth.retry) throw new Error("unreachable");
    expect(first.afterMs).toBeGreaterThanOrEqual(125);
    expect(first.afterMs).toBeLessThanOrEqual(250);
    expect(fifth.afterMs).toBeGreaterThanOrEqual(2000);
    expect(fifth.afterMs).toBeLessThanOrEqual(4000);
  });

  it("says not to repeat a refusal of the request itself, or an error that is not the client's", () => {
    for (const status of [400, 401, 403, 404, 413, 415, 422]) {
      expect(retryAdvice(refusal(status)).retry, String(status)).toBe(false);
    }
    expect(retryAdvice(new Error("something else")).retry).toBe(false);
  });
});
