import { type CallMeta, type Core, type Principal, type SendResult, sendPaymentRequest } from "@payreq/core";
import type { ServiceMetrics } from "./service-metrics.ts";

/** Core's Send Payment Request for either transport, timed and counted. */
export const sendObserved = async (
  deps: { core: Core; metrics: ServiceMetrics },
  principal: Principal,
  departmentUuid: unknown,
  input: unknown,
  meta: CallMeta,
): Promise<SendResult> => {
  const started = performance.now();
  const result = await sendPaymentRequest(deps.core.deps, principal, departmentUuid, input, meta);
  deps.metrics.send(result, {
    transport: meta.transport,
    departmentUuid,
    seconds: (performance.now() - started) / 1000,
    remoteDelivery: deps.core.deps.platform.kind === "upstream",
  });
  return result;
};
