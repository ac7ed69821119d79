import { randomBytes } from "node:crypto";
import { notFound } from "@tally/core";
import {
  type TWebhookSubscription,
  type TWebhookSubscriptionCreate,
  type TWebhookSubscriptionUpdate,
  ZWebhookSubscriptionCreateSchema,
  ZWebhookSubscriptionUpdateSchema,
} from "@tally/schemas";
import { type Executor, newId, parseOrThrow, type ServiceDeps } from "../kernel/index.ts";
import { checkWebhookUrl } from "./url-safety.ts";
import { type SubscriptionRow, toSubscriptionView } from "./views.ts";

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** How long the secret before a rotation keeps signing, unless the caller says otherwise. */
export const DEFAULT_ROTATION_GRACE_MS = 24 * 3600_000;

/** A signing secret as Standard Webhooks writes it: `whsec_` and 24 random bytes in base64. */
const newSecret = () => `whsec_${randomBytes(24).toString("base64")}`;

type WithSecret = TWebhookSubscription & { secret: string };

/** Creates a subscription; the answer is the only one that shows its secret. */
export async function createWebhookSubscription(
  deps: ServiceDeps,
  accountId: string,
  input: TWebhookSubscriptionCreate,
): Promise<WithSecret> {
  const parsed = parseOrThrow(ZWebhookSubscriptionCreateSchema, input);
  const now = deps.now();
  const row = await deps.db
    .insertInto("webhook_subscriptions")
    .values({
      account_id: accountId,
      id: newId(),
      url: checkWebhookUrl(parsed.url, deps.allowPrivateWebhookUrls ?? false),
      events: parsed.events,
      enabled: parsed.enabled,
      description: parsed.description,
      secret: newSecret(),
      previous_secret: null,
      previous_secret_expires_at: null,
      disabled_reason: null,
      created_at: now,
      updated_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { ...toSubscriptionView(row, now), secret: row.secret };
}

/** The account's subscriptions, oldest first. */
export async function listWebhookSubscriptions(
  deps: ServiceDeps,
  accountId: string,
): Promise<TWebhookSubscription[]> {
  const rows = await deps.db
    .selectFrom("webhook_subscriptions")
    .selectAll()
    .where("account_id", "=", accountId)
    .orderBy("id")
    .execute();
  const now = deps.now();
  return rows.map((r) => toSubscriptionView(r, now));
}

/** One subscription's row, or 404. */
export async function findWebhookSubscription(
  db: Executor,
  accountId: string,
  id: string,
): Promise<SubscriptionRow> {
  if (!UUID.test(id)) throw notFound("webhook subscription", id);
  const row = await db
    .selectFrom("webhook_subscriptions")
    .selectAll()
    .where("account_id", "=", accountId)
    .where("id", "=", id)
    .executeTakeFirst();
  if (!row) throw notFound("webhook subscription", id);
  return row;
}

/** Changes URL, events, description or enabled; enabling again clears why it was disabled. */
export async function updateWebhookSubscription(
  deps: ServiceDeps,
  accountId: string,
  id: string,
  input: TWebhookSubscriptionUpdate,
): Promise<TWebhookSubscription> {
  const parsed = parseOrThrow(ZWebhookSubscriptionUpdateSchema, input);
  await findWebhookSubscription(deps.db, accountId, id);
  const now = deps.now();
  const url = parsed.url && checkWebhookUrl(parsed.url, deps.allowPrivateWebhookUrls ?? false);
  const row = await deps.db
    .updateTable("webhook_subscriptions")
    .set({
      ...(url ? { url } : {}),
      ...(parsed.events !== undefined ? { events: parsed.events } : {}),
      ...(parsed.description !== undefined ? { description: parsed.description } : {}),
      ...(parsed.enabled !== undefined ? { enabled: parsed.enabled } : {}),
      ...(parsed.enabled ? { disabled_reason: null } : {}),
      updated_at: now,
    })
    .where("account_id", "=", accountId)
    .where("id", "=", id)
    .returningAll()
    .executeTakeFirstOrThrow();
  return toSubscriptionView(row, now);
}

/**
 * Gives the subscription a new secret (shown once, in the answer). For `graceMs` (default
 * 24 h) deliveries are signed with both, so a receiver can switch at its own pace.
 */
export async function rotateWebhookSecret(
  deps: ServiceDeps,
  accountId: string,
  id: string,
  opts: { graceMs?: number } = {},
): Promise<WithSecret> {
  const current = await findWebhookSubscription(deps.db, accountId, id);
  const now = deps.now();
  const graceMs = opts.graceMs ?? DEFAULT_ROTATION_GRACE_MS;
  const row = await deps.db
    .updateTable("webhook_subscriptions")
    .set({
      secret: newSecret(),
      previous_secret: graceMs > 0 ? current.secret : null,
      previous_secret_expires_at: graceMs > 0 ? new Date(now.getTime() + graceMs) : null,
      updated_at: now,
    })
    .where("account_id", "=", accountId)
    .where("id", "=", id)
    .returningAll()
    .executeTakeFirstOrThrow();
  return { ...toSubscriptionView(row, now), secret: row.secret };
}

/** Deletes a subscription and its deliveries (pending ones are not sent). */
export async function deleteWebhookSubscription(
  deps: ServiceDeps,
  accountId: string,
  id: string,
): Promise<void> {
  await findWebhookSubscription(deps.db, accountId, id);
  await deps.db
    .deleteFrom("webhook_subscriptions")
    .where("account_id", "=", accountId)
    .where("id", "=", id)
    .execute();
}

/** The secrets that sign a delivery at `now`: the current one, and the previous one in grace. */
export function signingSecrets(row: SubscriptionRow, now: Date): string[] {
  const grace = row.previous_secret_expires_at && row.previous_secret_expires_at > now;
  return grace && row.previous_secret ? [row.secret, row.previous_secret] : [row.secret];
}
