import type { Core } from "@payreq/core";
import type { ChainStatus } from "../observability/chain-status.ts";
import type { ServiceMetrics } from "../observability/service-metrics.ts";
import type { OpsData } from "./ops-data.ts";
import type { Sessions } from "./session.ts";

export type ConsoleDeps = {
  core: Core;
  metrics: ServiceMetrics;
  data: OpsData;
  sessions: Sessions;
  chain: ChainStatus;
};
