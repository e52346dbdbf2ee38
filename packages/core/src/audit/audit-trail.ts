import type { Clock } from "../ids.ts";

export type TimelineEntry = {
  step: string;
  atMs: number;
  durationMs: number;
  result: string;
  detail?: string;
};

export type Transport = "rest" | "trpc" | "upstream-api" | "cli" | "scheduler";

/** What every audited call carries from its transport. */
export type CallMeta = {
  requestId: string;
  transport: Transport;
  operation: string;
  receivedAt: number;
  clientAddress?: string | undefined;
  idempotencyKey?: string | undefined;
};

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

  constructor(private readonly clock: Clock) {}

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
