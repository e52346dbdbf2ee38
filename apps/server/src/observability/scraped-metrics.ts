import type { BucketCounts } from "@payreq/core";
import { Counter, type Metric, type Registry } from "prom-client";

/**
 * A counter another component keeps (a store's commits, the authenticator's hashes), read when scraped. `read`
 * answers undefined until the service is watched (see ServiceMetrics.watch): the counter has no value then.
 */
export const scrapedCounter = (
  registry: Registry,
  name: string,
  help: string,
  read: () => number | undefined,
): void => {
  new Counter({
    name,
    help,
    registers: [registry],
    collect() {
      this.reset();
      const value = read();
      if (value !== undefined) this.inc(value);
    },
  });
};

/**
 * A Prometheus histogram whose counts another component keeps (a store's group commit, possibly on another
 * thread, keeps them as plain data in its stats); read when scraped. prom-client's Histogram only counts its own
 * observations, so this registers an object with the same `get()` the registry asks every metric for.
 */
export const registerStatsHistogram = (
  registry: Registry,
  name: string,
  help: string,
  read: () => BucketCounts | undefined,
): void => {
  const metric = {
    name,
    help,
    type: "histogram",
    aggregator: "sum",
    reset() {},
    async get() {
      const buckets = read();
      if (!buckets) return { name, help, type: "histogram", aggregator: "sum", values: [] };
      let cumulative = 0;
      const values: { metricName: string; labels: Record<string, string | number>; value: number }[] =
        buckets.bounds.map((bound, i) => {
          cumulative += buckets.counts[i] ?? 0;
          return { metricName: `${name}_bucket`, labels: { le: bound }, value: cumulative };
        });
      values.push(
        { metricName: `${name}_bucket`, labels: { le: "+Inf" }, value: buckets.count },
        { metricName: `${name}_sum`, labels: {}, value: buckets.sum },
        { metricName: `${name}_count`, labels: {}, value: buckets.count },
      );
      return { name, help, type: "histogram", aggregator: "sum", values };
    },
  };
  registry.registerMetric(metric as unknown as Metric);
};
