import { auditRouter } from "./audit-router.ts";
import { router } from "./init.ts";
import { paymentRequestsRouter } from "./payment-requests-router.ts";

export const appRouter = router({ paymentRequests: paymentRequestsRouter, audit: auditRouter });

export type AppRouter = typeof appRouter;
