import { createHash } from "node:crypto";
import type { ErrorEnvelope, SendPaymentRequestResponse } from "@payreq/contracts";
import { and, eq, lt } from "drizzle-orm";
import type { PayreqDatabase } from "../db/open-database.ts";
import { idempotencyKeys } from "../db/schema.ts";
import { PayreqError } from "../errors.ts";
import type { Clock } from "../ids.ts";
import type { Prepared } from "./prepare.ts";

export type RecoveryPoint = "started" | "order" | "invoice" | "prepared" | "delivering" | "finished";

export type StoredResponse = { status: number; body: SendPaymentRequestResponse | ErrorEnvelope };

export type Claim =
  | { kind: "fresh"; id: number }
  | {
      kind: "resume";
      id: number;
      recoveryPoint: RecoveryPoint;
      prepared: Prepared | null;
      firstRequestId: string;
    }
  | { kind: "replay"; response: StoredResponse; firstRequestId: string };

export type IdempotencySettings = { lockMs: number };

/** SHA-256 of the department and the body with its keys sorted: what "the same request" means. */
export const fingerprintOf = (departmentUuid: string, body: unknown): string => {
  const canonical = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(canonical)
      : value !== null && typeof value === "object"
        ? Object.fromEntries(
            Object.keys(value)
              .sort()
              .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
          )
        : value;
  return createHash("sha256")
    .update(JSON.stringify([departmentUuid, canonical(body)]))
    .digest("hex");
};

/** Same host for one SQLite file (WAL needs shared memory), so a claim's owner can be checked by pid. */
const isAlive = (pid: number | null) => {
  if (pid === null) return false;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
};

/**
 * Keys are claimed inside the write queue, so two calls with one key can never both run: the second sees the
 * first's live claim (409), its finished response (replay), or a claim whose owner died (resume).
 */
export const createIdempotencyStore = (
  database: PayreqDatabase,
  clock: Clock,
  settings: IdempotencySettings,
) => {
  const { db } = database;
  const lock = () => ({
    lockedBy: process.pid,
    lockedUntil: clock.now() + settings.lockMs,
    updatedAt: clock.now(),
  });

  return {
    claim(input: {
      userId: number;
      key: string;
      fingerprint: string;
      departmentUuid: string;
      requestId: string;
    }): Promise<Claim> {
      return database.writes.run(() => {
        const now = clock.now();
        const row = db
          .select()
          .from(idempotencyKeys)
          .where(and(eq(idempotencyKeys.userId, input.userId), eq(idempotencyKeys.key, input.key)))
          .get();
        if (!row) {
          const created = db
            .insert(idempotencyKeys)
            .values({
              userId: input.userId,
              key: input.key,
              fingerprint: input.fingerprint,
              departmentUuid: input.departmentUuid,
              state: "running",
              recoveryPoint: "started",
              firstRequestId: input.requestId,
              createdAt: now,
              ...lock(),
            })
            .returning({ id: idempotencyKeys.id })
            .get();
          return { kind: "fresh", id: created.id };
        }
        if (row.fingerprint !== input.fingerprint) {
          throw new PayreqError("IDEMPOTENCY_KEY_REUSED", {
            description: `This Idempotency-Key was first used by request ${row.firstRequestId} with another body or department.`,
          });
        }
        if (row.state === "finished") {
          return {
            kind: "replay",
            response: { status: row.responseStatus ?? 500, body: row.responseBody as StoredResponse["body"] },
            firstRequestId: row.firstRequestId,
          };
        }
        if (row.lockedUntil !== null && row.lockedUntil > now && isAlive(row.lockedBy)) {
          throw new PayreqError("IDEMPOTENCY_KEY_IN_USE", {
            retryAfterSeconds: Math.max(1, Math.ceil((row.lockedUntil - now) / 1000)),
          });
        }
        db.update(idempotencyKeys).set(lock()).where(eq(idempotencyKeys.id, row.id)).run();
        return {
          kind: "resume",
          id: row.id,
          recoveryPoint: row.recoveryPoint,
          prepared: (row.prepared as Prepared | null) ?? null,
          firstRequestId: row.firstRequestId,
        };
      });
    },

    /** Inside the steps' own transaction: the recovery point moves with the rows it describes. */
    markPrepared(id: number, prepared: Prepared): void {
      db.update(idempotencyKeys)
        .set({ recoveryPoint: "prepared", prepared, updatedAt: clock.now() })
        .where(eq(idempotencyKeys.id, id))
        .run();
    },

    /** Upstream mode: each step's result is committed before the next step starts. */
    markProgress(id: number, point: "order" | "invoice", progress: unknown): Promise<void> {
      return database.writes.run(() => {
        db.update(idempotencyKeys)
          .set({ recoveryPoint: point, prepared: progress, updatedAt: clock.now() })
          .where(eq(idempotencyKeys.id, id))
          .run();
      });
    },

    /** Committed before any message is handed to the notifier: from here on a retry never sends again. */
    markDelivering(id: number): Promise<void> {
      return database.writes.run(() => {
        db.update(idempotencyKeys)
          .set({ recoveryPoint: "delivering", updatedAt: clock.now() })
          .where(eq(idempotencyKeys.id, id))
          .run();
      });
    },

    /** Inside the call's last transaction, with its audit row. */
    finish(id: number, response: StoredResponse): void {
      db.update(idempotencyKeys)
        .set({
          state: "finished",
          recoveryPoint: "finished",
          responseStatus: response.status,
          responseBody: response.body,
          lockedBy: null,
          lockedUntil: null,
          updatedAt: clock.now(),
        })
        .where(eq(idempotencyKeys.id, id))
        .run();
    },

    /** After a failure that is not the request's fault: a retry may resume at once. */
    release(id: number): Promise<void> {
      return database.writes.run(() => {
        db.update(idempotencyKeys)
          .set({ lockedBy: null, lockedUntil: null, updatedAt: clock.now() })
          .where(eq(idempotencyKeys.id, id))
          .run();
      });
    },

    /** Keys older than the retention period are forgotten; reusing one then starts a new request. */
    prune(olderThanMs: number): Promise<number> {
      return database.writes.run(
        () =>
          db
            .delete(idempotencyKeys)
            .where(lt(idempotencyKeys.createdAt, clock.now() - olderThanMs))
            .run().changes,
      );
    },
  };
};

export type IdempotencyStore = ReturnType<typeof createIdempotencyStore>;
