import type { CallMeta, Core, Principal } from "@payreq/core";
import type { ChainStatus } from "../observability/chain-status.ts";
import type { ServiceMetrics } from "../observability/service-metrics.ts";
import type { Background } from "./background.ts";
import type { TrustedProxies } from "./client-address.ts";

export type AppVariables = {
  requestId: string;
  /** Set by the audit middleware for calls to the API; core's rows mark the call as audited. */
  call: CallState;
  principal: Principal;
};

export type CallState = {
  meta: CallMeta;
  audited: boolean;
  username?: string | undefined;
  departmentUuid?: string | undefined;
  requestBody?: unknown;
  replayed?: boolean;
};

export type AppEnv = { Variables: AppVariables };

export type AppDeps = {
  core: Core;
  /** Send Strict-Transport-Security: set when the service is reached over TLS (PAYREQ_HSTS). */
  hsts?: boolean | undefined;
  /** Peers whose X-Forwarded-For names the client (PAYREQ_TRUSTED_PROXIES); none by default. */
  trustedProxies?: TrustedProxies | undefined;
  /** The ops console's session key (PAYREQ_OPS_SESSION_SECRET); random per process when unset. */
  opsSessionSecret?: string | undefined;
  metrics: ServiceMetrics;
  /** The audit chain's last verification: the console shows it, and serve's periodic verifier updates it. */
  chain: ChainStatus;
  /** Work started by a request and not waited for (receipts, refunds after Stripe's webhook). */
  background: Background;
  /** Origins the payment page's Pay form may lead to (the processor's hosted checkout). */
  checkoutOrigins?: readonly string[] | undefined;
  /** The SMS provider's status callbacks: its auth token signs them, over this public URL. */
  smsStatus?: { authToken: string; url: string } | undefined;
  /** Set once the process is draining (SIGTERM): /readyz says 503 and answers close their connections. */
  drain?: { readonly draining: boolean } | undefined;
  /** Events were raised outside a call (a payment): the webhook dispatcher may look at once. */
  onEvents?: (() => void) | undefined;
};
