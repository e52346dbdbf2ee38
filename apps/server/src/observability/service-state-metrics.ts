import type { BreakerState, PaymentsPlatform, Store } from "@payreq/core";
import { Gauge, type Registry } from "prom-client";

const STATES: readonly BreakerState[] = ["closed", "half-open", "open"];

export type ServiceState = {
  store: Pick<Store, "dialect">;
  backend: PaymentsPlatform["kind"];
  /** Upstream mode: the circuit breaker in front of the payments platform. */
  circuitState?: (() => BreakerState) | undefined;
};

/** What this process is (store, backend), and the state of its circuit to the payments platform; read when scraped. */
export const createServiceStateMetrics = (registry: Registry, state: () => ServiceState | undefined) => {
  new Gauge({
    name: "payreq_info",
    help: "Always 1; its labels say which store and which backend (embedded, upstream) this process runs",
    labelNames: ["store", "backend"] as const,
    registers: [registry],
    collect() {
      this.reset();
      const current = state();
      if (current) this.set({ store: current.store.dialect, backend: current.backend }, 1);
    },
  });
  new Gauge({
    name: "payreq_upstream_circuit_state",
    help: "1 for the current state of the circuit breaker to the payments platform (closed, half-open, open); upstream mode only",
    labelNames: ["state"] as const,
    registers: [registry],
    collect() {
      this.reset();
      const current = state()?.circuitState?.();
      if (!current) return;
      for (const s of STATES) this.set({ state: s }, s === current ? 1 : 0);
    },
  });
};
