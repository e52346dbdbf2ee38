import { auditRouter } from "./audit-router.ts";
import { dealersRouter } from "./dealers-router.ts";
import { router } from "./init.ts";
import { paymentRequestsRouter } from "./payment-requests-router.ts";
import { webhooksRouter } from "./webhooks-router.ts";

export const appRouter = router({
  paymentRequests: paymentRequestsRouter,
  audit: auditRouter,
  webhooks: webhooksRouter,
  dealers: dealersRouter,
});

export type AppRouter = typeof appRouter;
