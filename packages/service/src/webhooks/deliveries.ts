import { DomainError, notFound } from "@tally/core";
import { json } from "@tally/db";
import type { TWebhookDelivery } from "@tally/schemas";
import { newId, type ServiceDeps } from "../kernel/index.ts";
import { findWebhookSubscription, UUID } from "./subscriptions.ts";
import { toDeliveryView } from "./views.ts";

const MAX_PAGE = 200;

/**
 * A subscription's deliveries, newest first, `limit` (default 50, at most 200) at a time;
 * `cursor` (the `next_cursor` of the page before) pages on. `status` filters.
 */
export async function listWebhookDeliveries(
  deps: ServiceDeps,
  accountId: string,
  subscriptionId: string,
  opts: { status?: TWebhookDelivery["status"]; cursor?: string; limit?: number } = {},
): Promise<{ items: TWebhookDelivery[]; next_cursor: string | null }> {
  await findWebhookSubscription(deps.db, accountId, subscriptionId);
  const limit = Math.min(Math.max(opts.limit ?? 50, 1), MAX_PAGE);
  let query = deps.db
    .selectFrom("webhook_deliveries")
    .selectAll()
    .where("account_id", "=", accountId)
    .where("subscription_id", "=", subscriptionId)
    .orderBy("id", "desc")
    .limit(limit + 1);
  if (opts.status) query = query.where("status", "=", opts.status);
  if (opts.cursor) {
    if (!UUID.test(opts.cursor)) throw new DomainError("VALIDATION_FAILED", "cursor: is not one");
    query = query.where("id", "<", opts.cursor);
  }
  const rows = await query.execute();
  const page = rows.slice(0, limit);
  return {
    items: page.map(toDeliveryView),
    next_cursor: rows.length > limit ? page[page.length - 1]!.id : null,
  };
}

/** What a redelivery resets: due now, a fresh retry window, the attempts counted again. */
const again = (now: Date) => ({
  status: "PENDING" as const,
  next_attempt_at: now,
  window_start: now,
  attempts: 0,
  lease_until: null,
});

/**
 * Sends a delivery again, with its id and body unchanged (a receiver that stored it sees a
 * duplicate it can recognise). 409 while it is still PENDING.
 */
export async function redeliverWebhook(
  deps: ServiceDeps,
  accountId: string,
  deliveryId: string,
): Promise<TWebhookDelivery> {
  const row =
    UUID.test(deliveryId) &&
    (await deps.db
      .selectFrom("webhook_deliveries")
      .selectAll()
      .where("account_id", "=", accountId)
      .where("id", "=", deliveryId)
      .executeTakeFirst());
  if (!row) throw notFound("webhook delivery", deliveryId);
  if (row.status === "PENDING")
    throw new DomainError("CONFLICT", `status: delivery ${deliveryId} is still being sent`);
  const updated = await deps.db
    .updateTable("webhook_deliveries")
    .set(again(deps.now()))
    .where("account_id", "=", accountId)
    .where("id", "=", deliveryId)
    .returningAll()
    .executeTakeFirstOrThrow();
  return toDeliveryView(updated);
}

/** Sends again every FAILED or DEAD delivery of a subscription created since `since`. */
export async function redeliverFailedWebhooks(
  deps: ServiceDeps,
  accountId: string,
  subscriptionId: string,
  since: Date,
): Promise<{ redelivered: number }> {
  await findWebhookSubscription(deps.db, accountId, subscriptionId);
  const result = await deps.db
    .updateTable("webhook_deliveries")
    .set(again(deps.now()))
    .where("account_id", "=", accountId)
    .where("subscription_id", "=", subscriptionId)
    .where("status", "in", ["FAILED", "DEAD"])
    .where("created_at", ">=", since)
    .executeTakeFirst();
  return { redelivered: Number(result.numUpdatedRows) };
}

/** Queues a PING to the subscription (sent while it is enabled) and answers its delivery. */
export async function pingWebhook(
  deps: ServiceDeps,
  accountId: string,
  subscriptionId: string,
): Promise<TWebhookDelivery> {
  const subscription = await findWebhookSubscription(deps.db, accountId, subscriptionId);
  const now = deps.now();
  const row = await deps.db
    .insertInto("webhook_deliveries")
    .values({
      account_id: accountId,
      id: newId(),
      subscription_id: subscription.id,
      event: "PING",
      customer_uuid: null,
      data: json({ subscription_id: subscription.id, message: "Test delivery from Tally" }),
      next_attempt_at: now,
      window_start: now,
      created_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toDeliveryView(row);
}
