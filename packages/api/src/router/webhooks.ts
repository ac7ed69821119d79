import {
  ZWebhookDeliveriesInputSchema,
  ZWebhookDeliveriesPageSchema,
  ZWebhookDeliverySchema,
  ZWebhookRedeliverFailedInputSchema,
  ZWebhookRefSchema,
  ZWebhookRotateInputSchema,
  ZWebhookSubscriptionCreateSchema,
  ZWebhookSubscriptionSchema,
  ZWebhookSubscriptionWithSecretSchema,
  ZWebhookUpdateInputSchema,
} from "@tally/schemas";
import {
  createWebhookSubscription,
  deleteWebhookSubscription,
  listWebhookDeliveries,
  listWebhookSubscriptions,
  pingWebhook,
  redeliverFailedWebhooks,
  redeliverWebhook,
  rotateWebhookSecret,
  updateWebhookSubscription,
} from "@tally/service";
import { z } from "zod";
import { accountProcedure, createRouter, serviceDeps } from "../trpc.ts";

/**
 * Webhook subscriptions of one account (docs/webhooks.md): create (the secret shown once),
 * list, update, rotate the secret, delete; their deliveries, redelivery and a test ping.
 */
export const webhooksRouter = createRouter({
  create: accountProcedure
    .input(ZWebhookSubscriptionCreateSchema)
    .output(ZWebhookSubscriptionWithSecretSchema)
    .mutation(({ ctx, input }) =>
      createWebhookSubscription(serviceDeps(ctx), ctx.accountId, {
        url: input.url,
        events: input.events,
        enabled: input.enabled,
        description: input.description,
      }),
    ),
  list: accountProcedure
    .output(z.object({ items: z.array(ZWebhookSubscriptionSchema) }))
    .query(async ({ ctx }) => ({
      items: await listWebhookSubscriptions(serviceDeps(ctx), ctx.accountId),
    })),
  update: accountProcedure
    .input(ZWebhookUpdateInputSchema)
    .output(ZWebhookSubscriptionSchema)
    .mutation(({ ctx, input }) => {
      const { id, account_id: _, ...change } = input;
      return updateWebhookSubscription(serviceDeps(ctx), ctx.accountId, id, change);
    }),
  /** A new secret, shown once; the old one keeps signing for `grace_seconds` (default 24 h). */
  rotateSecret: accountProcedure
    .input(ZWebhookRotateInputSchema)
    .output(ZWebhookSubscriptionWithSecretSchema)
    .mutation(({ ctx, input }) =>
      rotateWebhookSecret(serviceDeps(ctx), ctx.accountId, input.id, {
        graceMs: input.grace_seconds === undefined ? undefined : input.grace_seconds * 1000,
      }),
    ),
  delete: accountProcedure
    .input(ZWebhookRefSchema)
    .output(z.object({ deleted: z.literal(true) }))
    .mutation(async ({ ctx, input }) => {
      await deleteWebhookSubscription(serviceDeps(ctx), ctx.accountId, input.id);
      return { deleted: true as const };
    }),
  deliveries: accountProcedure
    .input(ZWebhookDeliveriesInputSchema)
    .output(ZWebhookDeliveriesPageSchema)
    .query(({ ctx, input }) =>
      listWebhookDeliveries(serviceDeps(ctx), ctx.accountId, input.subscription_id, {
        status: input.status,
        cursor: input.cursor,
        limit: input.limit,
      }),
    ),
  /** Sends one delivery again, same id and body. */
  redeliver: accountProcedure
    .input(ZWebhookRefSchema)
    .output(ZWebhookDeliverySchema)
    .mutation(({ ctx, input }) => redeliverWebhook(serviceDeps(ctx), ctx.accountId, input.id)),
  /** Sends again every failed or dead delivery of a subscription created since `since`. */
  redeliverFailed: accountProcedure
    .input(ZWebhookRedeliverFailedInputSchema)
    .output(z.object({ redelivered: z.number().int() }))
    .mutation(({ ctx, input }) =>
      redeliverFailedWebhooks(
        serviceDeps(ctx),
        ctx.accountId,
        input.subscription_id,
        new Date(input.since),
      ),
    ),
  /** Queues a PING delivery to the subscription (docs/webhooks.md#events). */
  ping: accountProcedure
    .input(ZWebhookRefSchema)
    .output(ZWebhookDeliverySchema)
    .mutation(({ ctx, input }) => pingWebhook(serviceDeps(ctx), ctx.accountId, input.id)),
});
