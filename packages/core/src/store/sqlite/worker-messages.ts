import type { ErrorItem, ErrorName } from "@payreq/contracts";
import type { TimelineEntry } from "../../domain/call.ts";
import { PayreqError } from "../../domain/errors.ts";
import type { SqlParam } from "../../ports/store.ts";

/**
 * What the main thread asks of the SQLite worker (one message each), and what it answers (an array per turn of the
 * worker's event loop, so a group commit's callers are answered in one message).
 */
export type Request =
  | { id: number; op: "program"; name: string; args: unknown }
  | { id: number; op: "begin" }
  | {
      id: number;
      op: "statement";
      session: number;
      kind: "all" | "get" | "run";
      text: string;
      params: SqlParam[];
    }
  | { id: number; op: "end"; session: number; commit: boolean }
  | { id: number; op: "close" };

export type Reply =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; error: SerializedError };

/** The worker tells the main thread it has opened and migrated the database. */
export type Ready = { ready: true } | { ready: false; error: SerializedError };

type SerializedError = {
  name: string;
  message: string;
  code?: string | undefined;
  payreq?: {
    errorName: ErrorName;
    item: ErrorItem;
    retryAfterSeconds?: number | undefined;
    errors?: ErrorItem[];
  };
  timeline?: TimelineEntry[] | undefined;
};

/** An error as data: a PayreqError keeps its catalog entry (and a validation's items), others their code. */
export const serializeError = (error: unknown): SerializedError => {
  const base = error instanceof Error ? error : new Error(String(error));
  const extra = base as Error & { code?: unknown; timeline?: TimelineEntry[]; errors?: ErrorItem[] };
  return {
    name: base.name,
    message: base.message,
    code: typeof extra.code === "string" ? extra.code : undefined,
    timeline: extra.timeline,
    payreq:
      base instanceof PayreqError
        ? {
            errorName: base.errorName,
            item: base.item,
            retryAfterSeconds: base.retryAfterSeconds,
            ...(extra.errors ? { errors: extra.errors } : {}),
          }
        : undefined,
  };
};

export const deserializeError = (error: SerializedError): Error => {
  const restored = error.payreq
    ? new PayreqError(error.payreq.errorName, {
        message: error.payreq.item.errorMessage,
        description: error.payreq.item.errorDescription,
        retryAfterSeconds: error.payreq.retryAfterSeconds,
      })
    : Object.assign(new Error(error.message), { name: error.name });
  return Object.assign(
    restored,
    error.code === undefined ? {} : { code: error.code },
    error.timeline === undefined ? {} : { timeline: error.timeline },
    error.payreq?.errors === undefined ? {} : { errors: error.payreq.errors },
  );
};
