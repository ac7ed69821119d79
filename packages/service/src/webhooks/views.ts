import type { Database } from "@tally/db";
import type { TWebhookDelivery, TWebhookEvent, TWebhookSubscription } from "@tally/schemas";
import type { Selectable } from "kysely";
import { iso } from "../kernel/index.ts";

export type SubscriptionRow = Selectable<Database["webhook_subscriptions"]>;
export type DeliveryRow = Selectable<Database["webhook_deliveries"]>;

/** A subscription as the API shows it: never its secrets. */
export function toSubscriptionView(row: SubscriptionRow, now: Date): TWebhookSubscription {
  const rotating = row.previous_secret_expires_at && row.previous_secret_expires_at > now;
  return {
    id: row.id,
    url: row.url,
    events: row.events as TWebhookEvent[] | null,
    enabled: row.enabled,
    description: row.description,
    disabled_reason: row.disabled_reason,
    previous_secret_expires_at: rotating ? iso(row.previous_secret_expires_at) : null,
    created_at: iso(row.created_at)!,
    updated_at: iso(row.updated_at)!,
  };
}

export function toDeliveryView(row: DeliveryRow): TWebhookDelivery {
  return {
    id: row.id,
    subscription_id: row.subscription_id,
    event: row.event,
    status: row.status,
    attempts: row.attempts,
    next_attempt_at: row.status === "PENDING" ? iso(row.next_attempt_at) : null,
    last_attempt_at: iso(row.last_attempt_at),
    last_status_code: row.last_status_code,
    last_response: row.last_response,
    last_error: row.last_error,
    delivered_at: iso(row.delivered_at),
    created_at: iso(row.created_at)!,
  };
}
