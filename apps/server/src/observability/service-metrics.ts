import {
  type BreakerState,
  type ChainReport,
  type Core,
  type Metrics,
  noMetrics,
  type SendResult,
} from "@payreq/core";
import { collectDefaultMetrics, Registry } from "prom-client";
import type { Authentication } from "../authentication.ts";
import { createAuditChainMetrics } from "./audit-chain-metrics.ts";
import { createCoreMetrics } from "./core-metrics.ts";
import { createHttpMetrics } from "./http-metrics.ts";
import { createLoginMetrics } from "./login-metrics.ts";
import { createSendMetrics, type SendCall } from "./send-metrics.ts";
import { createServiceStateMetrics } from "./service-state-metrics.ts";
import { createStoreMetrics } from "./store-metrics.ts";
import { createWebhookMetrics } from "./webhook-metrics.ts";

/** The parts of a running service whose own counts are read when scraped. */
export type WatchedCore = Pick<Core, "store" | "authenticator"> & { deps: Pick<Core["deps"], "platform"> };

/** Everything the service measures, for one app instance: its own Prometheus registry, never the global one. */
export type ServiceMetrics = {
  /** False with PAYREQ_METRICS=off: nothing is measured, wrapped or timed, and there is no /metrics. */
  readonly enabled: boolean;
  /** What core reports through its metrics port. */
  readonly core: Metrics;
  request(route: string, method: string, status: number, seconds: number): void;
  send(result: SendResult, call: SendCall): void;
  login(result: Authentication): void;
  chainVerified(report: ChainReport, seconds: number): void;
  chainVerifyFailed(): void;
  /**
   * Binds the running core (its store, authenticator and backend) and, in upstream mode, the circuit breaker:
   * their own counts are read at every scrape.
   */
  watch(core: WatchedCore, circuitState?: () => BreakerState): void;
  readonly contentType: string;
  /** The Prometheus text format. */
  exposition(): Promise<string>;
};

export const createServiceMetrics = (): ServiceMetrics => {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  let watched: { core: WatchedCore; circuitState?: (() => BreakerState) | undefined } | undefined;
  const core = createCoreMetrics(registry);
  const http = createHttpMetrics(registry);
  const send = createSendMetrics(registry, core.delivery);
  const login = createLoginMetrics(registry, () => watched?.core.authenticator);
  const chain = createAuditChainMetrics(registry);
  createStoreMetrics(registry, () => watched?.core.store);
  createWebhookMetrics(registry, () => watched?.core.store);
  createServiceStateMetrics(
    registry,
    () =>
      watched && {
        store: watched.core.store,
        backend: watched.core.deps.platform.kind,
        circuitState: watched.circuitState,
      },
  );
  return {
    enabled: true,
    core,
    request: http.request,
    send: send.send,
    login: login.login,
    chainVerified: chain.chainVerified,
    chainVerifyFailed: chain.chainVerifyFailed,
    watch(core, circuitState) {
      watched = { core, circuitState };
    },
    contentType: registry.contentType,
    exposition: () => registry.metrics(),
  };
};

export const disabledMetrics: ServiceMetrics = {
  enabled: false,
  core: noMetrics,
  request() {},
  send() {},
  login() {},
  chainVerified() {},
  chainVerifyFailed() {},
  watch() {},
  contentType: "text/plain",
  exposition: async () => "",
};
