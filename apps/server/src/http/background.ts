import type { Logger } from "@payreq/core";

/**
 * Work a request starts and does not wait for (a receipt to send after Stripe's webhook is answered), tracked so
 * that shutdown and tests can wait for it. A failure is logged: whatever it left undone, the payments scheduler
 * picks up.
 */
export const createBackground = (logger: Logger) => {
  const running = new Set<Promise<void>>();
  return {
    run(name: string, work: () => Promise<unknown>) {
      const task: Promise<void> = work()
        .then(() => undefined)
        .catch((error: unknown) => logger.warn(`${name} failed`, { error: String(error) }))
        .finally(() => running.delete(task));
      running.add(task);
    },
    /** Resolves once everything started so far (and what it started) has ended. */
    async idle() {
      while (running.size > 0) await Promise.all([...running]);
    },
  };
};

export type Background = ReturnType<typeof createBackground>;
