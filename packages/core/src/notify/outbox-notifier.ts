import type { IdGenerator } from "../ids.ts";
import type { Notifier } from "../ports.ts";

/**
 * The embedded default: no provider is called; each message is recorded in the outbox as delivered, under a
 * reference of its own, so the demo and tests run with nothing outside the process.
 */
export const createOutboxNotifier = (ids: IdGenerator): Notifier => ({
  sendText: async () => ({ provider: "outbox", providerRef: `outbox-${ids.next()}` }),
  sendEmail: async () => ({ provider: "outbox", providerRef: `outbox-${ids.next()}` }),
  providers: { text: "outbox", email: "outbox" },
  recordsOnly: true,
});
