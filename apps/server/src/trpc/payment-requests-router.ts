import { type SendPaymentRequestInput, SendPaymentRequestResponse } from "@payreq/contracts";
import { sendObserved } from "../observability/observed-send.ts";
import { authedProcedure, router, toTrpcError, typedInput } from "./init.ts";

const splitInput = (input: unknown) => {
  if (input === null || typeof input !== "object" || Array.isArray(input)) {
    return { departmentUuid: undefined, idempotencyKey: undefined, body: input };
  }
  const { departmentUuid, idempotencyKey, ...body } = input as Record<string, unknown>;
  return { departmentUuid, idempotencyKey, body };
};

export const paymentRequestsRouter = router({
  send: authedProcedure
    .input(typedInput<SendPaymentRequestInput>())
    .output(SendPaymentRequestResponse)
    .mutation(async ({ ctx, input }) => {
      const { departmentUuid, idempotencyKey, body } = splitInput(input);
      const call = ctx.call;
      call.meta.idempotencyKey = idempotencyKey as string | undefined;
      if (typeof departmentUuid === "string") call.departmentUuid = departmentUuid;
      call.requestBody = body;
      const result = await sendObserved(ctx, ctx.principal, departmentUuid, body, call.meta);
      call.audited = true;
      call.replayed = result.replayed === true;
      if (result.status === 200) return result.body as SendPaymentRequestResponse;
      throw toTrpcError(
        result.status,
        result.body,
        "retryAfterSeconds" in result ? result.retryAfterSeconds : undefined,
      );
    }),
});
