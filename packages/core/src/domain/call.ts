/** What every audited call carries from its transport. */
export type Transport = "rest" | "trpc" | "upstream-api" | "cli" | "scheduler";

export type CallMeta = {
  requestId: string;
  transport: Transport;
  operation: string;
  receivedAt: number;
  clientAddress?: string | undefined;
  idempotencyKey?: string | undefined;
};

/** One step of a call as its audit row shows it. */
export type TimelineEntry = {
  step: string;
  atMs: number;
  durationMs: number;
  result: string;
  detail?: string;
};

/** What a call touched: the objects its audit row names and is found by. */
export type Touched = {
  orderNumber?: string | undefined;
  orderUuid?: string | undefined;
  orderCreated?: boolean | undefined;
  invoiceUuid?: string | undefined;
  invoiceCreated?: boolean | undefined;
  paymentRequestUuid?: string | undefined;
  customerUuid?: string | undefined;
};

/** The audit record's working copy, filled in along the call. */
export class AuditTrail {
  readonly timeline: TimelineEntry[] = [];
  touched: Touched = {};

  constructor(private readonly clock: { now(): number }) {}

  /** Times `work` and records how it ended. */
  async step<T>(step: string, work: () => Promise<T>, describe?: (value: T) => string): Promise<T> {
    const atMs = this.clock.now();
    try {
      const value = await work();
      this.timeline.push({
        step,
        atMs,
        durationMs: this.clock.now() - atMs,
        result: "ok",
        detail: describe?.(value),
      });
      return value;
    } catch (error) {
      const code = (error as { item?: { errorCode?: number } }).item?.errorCode;
      this.timeline.push({
        step,
        atMs,
        durationMs: this.clock.now() - atMs,
        result: code ? `error ${code}` : "error",
      });
      throw error;
    }
  }

  note(step: string, result: string, detail?: string): void {
    this.timeline.push({ step, atMs: this.clock.now(), durationMs: 0, result, detail });
  }
}

/** A step's refusal with the timeline up to it, so the call's audit row shows which step refused and how. */
export type StepFailure = Error & { timeline?: TimelineEntry[] };

/** Runs `work` with a trail of its own (a program's, on the store's thread); a failure carries its steps. */
export const withStepTimeline = async <T>(
  clock: { now(): number },
  work: (trail: AuditTrail) => Promise<T>,
): Promise<T> => {
  const trail = new AuditTrail(clock);
  try {
    return await work(trail);
  } catch (error) {
    if (error instanceof Error) (error as StepFailure).timeline = trail.timeline;
    throw error;
  }
};

/** A program's steps, timed where it ran, added to the caller's trail: those of a failed program too. */
export const onTrail = async <R extends { timeline: TimelineEntry[] }>(
  trail: AuditTrail,
  running: Promise<R>,
): Promise<R> => {
  try {
    const result = await running;
    trail.timeline.push(...result.timeline);
    return result;
  } catch (error) {
    trail.timeline.push(...((error as StepFailure).timeline ?? []));
    throw error;
  }
};
