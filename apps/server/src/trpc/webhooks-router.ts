import {
  WebhookDeliveryListResponse,
  type WebhookEndpointCreate,
  WebhookEndpointListResponse,
  WebhookEndpointResponse,
  WebhookEndpointWithSecretResponse,
  WebhookRemovedResponse,
  WebhookReplayResponse,
} from "@payreq/contracts";
import type { ManageResult } from "@payreq/core";
import { authedProcedure, router, type TrpcContext, toTrpcError, typedInput } from "./init.ts";

type Department = { departmentUuid: string };
type Endpoint = Department & { endpointId: string };

const settle = <T>(result: ManageResult<T>) => {
  if (result.ok) return result.body;
  throw toTrpcError(result.status, result.body, result.retryAfterSeconds);
};

const callOf = (ctx: TrpcContext, input: Partial<Department> | undefined) => {
  if (typeof input?.departmentUuid === "string") ctx.call.departmentUuid = input.departmentUuid;
  return {
    principal: ctx.principal!,
    departmentUuid: input?.departmentUuid,
    requestId: ctx.call.meta.requestId,
  };
};

/** The department's webhook endpoints and their deliveries, as over REST (scope payment.webhooks.manage). */
export const webhooksRouter = router({
  list: authedProcedure
    .input(typedInput<Department>())
    .output(WebhookEndpointListResponse)
    .query(async ({ ctx, input }) => settle(await ctx.core.webhooks.list(callOf(ctx, input)))),
  create: authedProcedure
    .input(typedInput<Department & WebhookEndpointCreate>())
    .output(WebhookEndpointWithSecretResponse)
    .mutation(async ({ ctx, input }) => {
      const { departmentUuid: _, ...body } = (input ?? {}) as Department & WebhookEndpointCreate;
      ctx.call.requestBody = body;
      return settle(await ctx.core.webhooks.create(callOf(ctx, input), body));
    }),
  show: authedProcedure
    .input(typedInput<Endpoint>())
    .output(WebhookEndpointResponse)
    .query(async ({ ctx, input }) =>
      settle(await ctx.core.webhooks.show(callOf(ctx, input), input?.endpointId)),
    ),
  disable: authedProcedure
    .input(typedInput<Endpoint>())
    .output(WebhookEndpointResponse)
    .mutation(async ({ ctx, input }) =>
      settle(await ctx.core.webhooks.setEnabled(callOf(ctx, input), input?.endpointId, false)),
    ),
  enable: authedProcedure
    .input(typedInput<Endpoint>())
    .output(WebhookEndpointResponse)
    .mutation(async ({ ctx, input }) =>
      settle(await ctx.core.webhooks.setEnabled(callOf(ctx, input), input?.endpointId, true)),
    ),
  remove: authedProcedure
    .input(typedInput<Endpoint>())
    .output(WebhookRemovedResponse)
    .mutation(async ({ ctx, input }) =>
      settle(await ctx.core.webhooks.remove(callOf(ctx, input), input?.endpointId)),
    ),
  rotateSecret: authedProcedure
    .input(typedInput<Endpoint>())
    .output(WebhookEndpointWithSecretResponse)
    .mutation(async ({ ctx, input }) =>
      settle(await ctx.core.webhooks.rotateSecret(callOf(ctx, input), input?.endpointId)),
    ),
  deliveries: authedProcedure
    .input(
      typedInput<Endpoint & { status?: "pending" | "delivering" | "delivered" | "failed"; limit?: number }>(),
    )
    .output(WebhookDeliveryListResponse)
    .query(async ({ ctx, input }) => {
      const { departmentUuid: _, endpointId, ...query } = input ?? ({} as Endpoint);
      return settle(await ctx.core.webhooks.deliveries(callOf(ctx, input), endpointId, query));
    }),
  replay: authedProcedure
    .input(typedInput<Endpoint & ({ deliveryId: string } | { since: string })>())
    .output(WebhookReplayResponse)
    .mutation(async ({ ctx, input }) => {
      const call = callOf(ctx, input);
      return settle(
        input && "deliveryId" in input
          ? await ctx.core.webhooks.replayDelivery(call, input.endpointId, input.deliveryId)
          : await ctx.core.webhooks.replaySince(call, input?.endpointId, {
              since: (input as { since?: unknown })?.since,
            }),
      );
    }),
});
