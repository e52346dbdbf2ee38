import { onTrail } from "../../domain/call.ts";
import type { PaymentUrlSettings, Prepared } from "../../domain/payment-request.ts";
import type { PaymentsPlatform } from "../../ports/platform.ts";
import { createReadCache } from "../../ports/read-cache.ts";
import type { ProgramRunner, Store } from "../../ports/store.ts";
import { getDepartment } from "./platform-queries.ts";
import { prepareCallProgram } from "./prepare-call.ts";

export type EmbeddedPlatformDeps = { store: Store; run: ProgramRunner; paymentUrls: PaymentUrlSettings };

/**
 * The payments platform in the service's own store: steps 1–3 share one transaction (a program), with a keyed
 * call's move to `prepared`; delivery is the service's. A keyed call whose earlier attempt committed them goes on
 * with what they made.
 */
export const createEmbeddedPlatform = ({
  store,
  run,
  paymentUrls,
}: EmbeddedPlatformDeps): PaymentsPlatform => ({
  kind: "embedded",
  // Departments and their dealers' names change rarely, and every change empties the cache (see read-cache.ts).
  getDepartment: createReadCache(store, (departmentUuid) => getDepartment(store.sql, departmentUuid), {
    tables: ["departments", "dealers"],
  }),
  async prepare({ department, requestId, target, key }, trail) {
    if (key?.progress) return { prepared: key.progress as Prepared };
    const { prepared } = await onTrail(
      trail,
      run(prepareCallProgram, { department, requestId, target, paymentUrls, claimId: key?.claimId }),
    );
    return { prepared };
  },
});
