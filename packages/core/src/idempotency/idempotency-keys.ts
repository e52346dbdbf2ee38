import { createHash } from "node:crypto";
import { PayreqError } from "../domain/errors.ts";
import type { Prepared } from "../domain/payment-request.ts";
import type { RecoveryPoint, StoredResponse } from "../domain/recovery.ts";
import type { Clock } from "../ports/clock.ts";
import { dialectOf } from "../ports/dialect.ts";
import { defineProgram, type ProgramRunner, type Sql, type Store, write } from "../ports/store.ts";

export type Claim =
  | { kind: "fresh"; id: number }
  | {
      kind: "resume";
      id: number;
      recoveryPoint: RecoveryPoint;
      /** What the earlier attempt committed: the embedded platform's Prepared, or the upstream steps' progress. */
      progress: unknown;
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

type KeyRow = {
  id: number;
  fingerprint: string;
  state: "running" | "finished";
  recoveryPoint: RecoveryPoint;
  lockedBy: number | null;
  lockedUntil: number | null;
  prepared: string | null;
  responseStatus: number | null;
  responseBody: string | null;
  firstRequestId: string;
};

const parse = (text: string | null) => (text === null ? null : JSON.parse(text));

const setPoint = (tx: Sql, clock: Clock, id: number, point: RecoveryPoint, prepared?: unknown) =>
  tx.run(
    `update idempotency_keys set recovery_point = ?, prepared = coalesce(?, prepared), updated_at = ? where id = ?`,
    [point, prepared === undefined ? null : JSON.stringify(prepared), clock.now(), id],
  );

/** Inside the steps' own transaction: the recovery point moves with the rows it describes. */
export const markPrepared = async (tx: Sql, id: number, prepared: Prepared, clock: Clock): Promise<void> => {
  await setPoint(tx, clock, id, "prepared", prepared);
};

/** Inside the call's last transaction, with its audit row. */
export const finishKey = async (
  tx: Sql,
  id: number,
  response: StoredResponse,
  clock: Clock,
): Promise<void> => {
  await write(
    tx,
    `update idempotency_keys set state = 'finished', recovery_point = 'finished', response_status = ?,
       response_body = ?, locked_by = null, locked_until = null, updated_at = ? where id = ?`,
    [response.status, JSON.stringify(response.body), clock.now(), id],
  );
};

export type ClaimInput = {
  userId: number;
  key: string;
  fingerprint: string;
  departmentUuid: string;
  requestId: string;
};

/**
 * Keys are claimed in a transaction of their own, so two calls with one key can never both run, on one process or
 * several: the second sees the first's live claim (409), its finished response (replay), or a claim whose owner
 * died (resume). On PostgreSQL the second's insert waits for the first's commit, and its read holds the row.
 */
export const claimKeyProgram = defineProgram<ClaimInput & { lockMs: number }, Claim>(
  "claim-key",
  async (tx, input, { clock, store }) => {
    const now = clock.now();
    const lockedUntil = now + input.lockMs;
    const created = await tx.get<{ id: number }>(
      `insert into idempotency_keys (user_id, key, fingerprint, department_uuid, state, recovery_point,
         locked_by, locked_until, first_request_id, created_at, updated_at)
       values (?, ?, ?, ?, 'running', 'started', ?, ?, ?, ?, ?)
       on conflict (user_id, key) do nothing
       returning id`,
      [
        input.userId,
        input.key,
        input.fingerprint,
        input.departmentUuid,
        store.ownerId,
        lockedUntil,
        input.requestId,
        now,
        now,
      ],
    );
    if (created) return { kind: "fresh", id: created.id };
    const row = await tx.get<KeyRow>(
      `select id, fingerprint, state, recovery_point as "recoveryPoint", locked_by as "lockedBy",
              locked_until as "lockedUntil", prepared, response_status as "responseStatus",
              response_body as "responseBody", first_request_id as "firstRequestId"
       from idempotency_keys where user_id = ? and key = ?${dialectOf(store.dialect).forUpdate}`,
      [input.userId, input.key],
    );
    if (!row) throw new Error("an idempotency key yielded to a concurrent insert that is not there");
    if (row.fingerprint !== input.fingerprint) {
      throw new PayreqError("IDEMPOTENCY_KEY_REUSED", {
        description: `This Idempotency-Key was first used by request ${row.firstRequestId} with another body or department.`,
      });
    }
    if (row.state === "finished") {
      return {
        kind: "replay",
        response: {
          status: row.responseStatus ?? 500,
          body: parse(row.responseBody) as StoredResponse["body"],
        },
        firstRequestId: row.firstRequestId,
      };
    }
    if (
      row.lockedUntil !== null &&
      row.lockedUntil > now &&
      row.lockedBy !== null &&
      (await store.isOwnerAlive(tx, row.lockedBy))
    ) {
      throw new PayreqError("IDEMPOTENCY_KEY_IN_USE", {
        retryAfterSeconds: Math.max(1, Math.ceil((row.lockedUntil - now) / 1000)),
      });
    }
    await tx.run("update idempotency_keys set locked_by = ?, locked_until = ?, updated_at = ? where id = ?", [
      store.ownerId,
      lockedUntil,
      now,
      row.id,
    ]);
    return {
      kind: "resume",
      id: row.id,
      recoveryPoint: row.recoveryPoint,
      progress: parse(row.prepared),
      firstRequestId: row.firstRequestId,
    };
  },
);

/** A recovery point committed on its own (upstream progress, or `delivering` before any message leaves). */
export const markKeyProgram = defineProgram<{ id: number; point: RecoveryPoint; progress?: unknown }, void>(
  "mark-key",
  async (tx, { id, point, progress }, { clock }) => {
    await setPoint(tx, clock, id, point, progress);
  },
);

/** After a failure that is not the request's fault: a retry may resume at once. */
export const releaseKeyProgram = defineProgram<{ id: number }, void>(
  "release-key",
  async (tx, { id }, { clock }) => {
    await tx.run(
      "update idempotency_keys set locked_by = null, locked_until = null, updated_at = ? where id = ?",
      [clock.now(), id],
    );
  },
);

/** The idempotency keys of calls: claims and recovery points as programs, retention pruning. */
export const createIdempotencyStore = (
  store: Store,
  run: ProgramRunner,
  clock: Clock,
  settings: IdempotencySettings,
) => ({
  claim: (input: ClaimInput): Promise<Claim> => run(claimKeyProgram, { ...input, lockMs: settings.lockMs }),

  /** Upstream mode: each step's result is committed before the next step starts. */
  markProgress: (id: number, point: "order" | "invoice", progress: unknown): Promise<void> =>
    run(markKeyProgram, { id, point, progress }),

  /** Committed before any message is handed to the notifier: from here on a retry never sends again. */
  markDelivering: (id: number): Promise<void> => run(markKeyProgram, { id, point: "delivering" }),

  release: (id: number): Promise<void> => run(releaseKeyProgram, { id }),

  /** Keys older than the retention period are forgotten; reusing one then starts a new request. */
  prune: (olderThanMs: number): Promise<number> =>
    store.transaction(
      async (tx) =>
        (await tx.run("delete from idempotency_keys where created_at < ?", [clock.now() - olderThanMs]))
          .changes,
    ),
});

export type IdempotencyStore = ReturnType<typeof createIdempotencyStore>;
