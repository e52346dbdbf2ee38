import { addFailuresProgram, clearFailuresProgram } from "./auth/failure-counters.ts";
import { prepareCallProgram } from "./embedded/prepare-call.ts";
import { claimKeyProgram, markKeyProgram, releaseKeyProgram } from "./send/idempotency.ts";
import { recordCallProgram } from "./send/record-call.ts";
import { sendInOneCommitProgram } from "./send/send-in-one-commit.ts";
import type { Program } from "./store/program.ts";

/** Every program by name: what a store running programs on another thread can be asked to run. */
export const PROGRAMS: ReadonlyMap<string, Program<unknown, unknown>> = new Map(
  [
    prepareCallProgram,
    recordCallProgram,
    sendInOneCommitProgram,
    claimKeyProgram,
    markKeyProgram,
    releaseKeyProgram,
    addFailuresProgram,
    clearFailuresProgram,
  ].map((program) => [program.name, program as Program<unknown, unknown>]),
);
