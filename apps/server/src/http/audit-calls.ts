import { getConnInfo } from "@hono/node-server/conninfo";
import { type CallMeta, isStoreUnavailable, recordCall, type Transport } from "@payreq/core";
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { resolveClientAddress, type TrustedProxies } from "./client-address.ts";
import type { AppDeps, AppEnv, CallState } from "./env.ts";

/** The socket's peer, or the client a trusted proxy forwarded for: what the audit row shows and throttling counts. */
const clientAddress = (c: Context, trusted: TrustedProxies | undefined): string | undefined => {
  let peer: string | undefined;
  try {
    peer = getConnInfo(c).remote.address;
  } catch {
    return undefined;
  }
  return resolveClientAddress(peer, c.req.header("x-forwarded-for"), trusted);
};

/** The envelope of a refusal, whether REST wrote it or tRPC wrapped it in its error shape. */
const envelopeFromResponse = async (res: Response): Promise<Record<string, unknown>> => {
  try {
    const body = (await res.clone().json()) as Record<string, unknown>;
    const trpcData = (body.error as { data?: { errors?: unknown } } | undefined)?.data;
    return trpcData?.errors ? { errors: trpcData.errors, warnings: [] } : body;
  } catch {
    return { status: res.status };
  }
};

/**
 * Every API call gets one audit row. Calls that reach core are written there (with the steps); anything
 * refused before (401, 413, 415, malformed JSON, unknown routes) is written here from the response.
 */
export const auditCalls = (
  { core, trustedProxies }: AppDeps,
  transport: Transport,
  operation: (c: Context) => string,
) =>
  createMiddleware<AppEnv>(async (c, next) => {
    const meta: CallMeta = {
      requestId: c.get("requestId"),
      transport,
      operation: operation(c),
      receivedAt: core.clock.now(),
      clientAddress: clientAddress(c, trustedProxies),
    };
    const call: CallState = { meta, audited: false, departmentUuid: c.req.param("departmentUuid") };
    c.set("call", call);
    await next();
    if (call.audited) return;
    const response = await envelopeFromResponse(c.res);
    try {
      await recordCall(core.deps, {
        entry: {
          meta: call.meta,
          username: call.username,
          departmentUuid: call.departmentUuid,
          status: c.res.status,
          response,
          requestBody: call.requestBody,
        },
      });
    } catch (error) {
      // The answer stands; without a database there is nowhere to write its row, so the log says so.
      core.deps.logger.error("audit row not written", {
        requestId: call.meta.requestId,
        status: c.res.status,
        error: isStoreUnavailable(error) ? "database unavailable" : String(error),
      });
    }
  });
