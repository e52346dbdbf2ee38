import type { ErrorEnvelope } from "@payreq/contracts";

/**
 * How far a keyed call got, committed as it goes: `order` and `invoice` are the upstream platform's steps,
 * `prepared` the embedded steps 1–3, `delivering` is committed before any message may leave.
 */
export type RecoveryPoint = "started" | "order" | "invoice" | "prepared" | "delivering" | "finished";

/** A finished keyed call's answer, replayed to every retry. */
export type StoredResponse = { status: number; body: ErrorEnvelope | Record<string, unknown> };
