import { addFailuresProgram, clearFailuresProgram } from "./auth/failure-counters.ts";
import { claimKeyProgram, markKeyProgram, releaseKeyProgram } from "./idempotency/idempotency-keys.ts";
import { recordPageViewProgram } from "./invoices/payment-page-views.ts";
import { expireLinksProgram } from "./platform/embedded/link-expiry.ts";
import { prepareCallProgram } from "./platform/embedded/prepare-call.ts";
import { ensureOpenInvoiceProgram, resolveOrderProgram } from "./platform/embedded/step-programs.ts";
import type { Program, ProgramRegistry } from "./ports/store.ts";
import { callInOneCommitProgram } from "./send/call-in-one-commit.ts";
import { recordCallProgram } from "./send/record-call.ts";
import {
  claimDueProgram,
  fanOutProgram,
  recordAttemptsProgram,
  recoverClaimsProgram,
  releaseClaimsProgram,
} from "./webhooks/dispatch-programs.ts";

/** Every program by name: what a store running programs on another thread can be asked to run. */
export const PROGRAMS: ProgramRegistry = new Map(
  [
    prepareCallProgram,
    recordCallProgram,
    callInOneCommitProgram,
    claimKeyProgram,
    markKeyProgram,
    releaseKeyProgram,
    resolveOrderProgram,
    ensureOpenInvoiceProgram,
    addFailuresProgram,
    clearFailuresProgram,
    recordPageViewProgram,
    expireLinksProgram,
    fanOutProgram,
    claimDueProgram,
    recoverClaimsProgram,
    recordAttemptsProgram,
    releaseClaimsProgram,
  ].map((program) => [program.name, program as Program<unknown, unknown>]),
);
