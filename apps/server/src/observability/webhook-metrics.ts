import { backlogOf, type Store } from "@payreq/core";
import { Gauge, type Registry } from "prom-client";

/**
 * The webhooks' backlog, read from the database when scraped (so every instance reports the same shared queue):
 * deliveries waiting or under way plus events not yet fanned out, and how long the oldest due one has waited.
 */
export const createWebhookMetrics = (registry: Registry, store: () => Pick<Store, "sql"> | undefined) => {
  // Both gauges of one scrape share one read.
  let read: { at: number; backlog: ReturnType<typeof backlogOf> } | undefined;
  const backlog = async () => {
    const current = store();
    if (!current) return undefined;
    if (!read || Date.now() - read.at > 1000)
      read = { at: Date.now(), backlog: backlogOf(current.sql, Date.now()) };
    return read.backlog;
  };
  new Gauge({
    name: "payreq_webhook_pending",
    help: "Webhook deliveries pending or being attempted, and events not yet fanned out to endpoints",
    registers: [registry],
    async collect() {
      this.reset();
      const current = await backlog().catch(() => undefined);
      if (current) this.set(current.pending);
    },
  });
  new Gauge({
    name: "payreq_webhook_oldest_pending_age_seconds",
    help: "How long the oldest due webhook delivery (or unfanned event) has waited past its time; 0 when none",
    registers: [registry],
    async collect() {
      this.reset();
      const current = await backlog().catch(() => undefined);
      if (current) this.set(current.oldestAgeSeconds);
    },
  });
};
