import type { ColumnType, Generated } from "kysely";
import type { CreatedAt, Json, Timestamp } from "./types.ts";

/** An endpoint of an account that receives webhooks, and the secret(s) signing them. */
export interface WebhookSubscriptionTable {
  account_id: string;
  id: string;
  url: string;
  /** Event names it receives; null = every event. */
  events: string[] | null;
  enabled: boolean;
  description: string | null;
  /** `whsec_…`: kept readable, since every delivery is signed with it. */
  secret: string;
  /** The secret before the last rotation, still signing until previous_secret_expires_at. */
  previous_secret: string | null;
  previous_secret_expires_at: Timestamp | null;
  /** Why it was disabled by us (a receiver's 410), null otherwise. */
  disabled_reason: string | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

/** One webhook to one subscription (the outbox): retried until delivered, failed or dead. */
export interface WebhookDeliveryTable {
  account_id: string;
  /** The delivery id (`webhook-id`), stable across attempts. */
  id: string;
  seq: ColumnType<string, never, never>;
  subscription_id: string;
  event: string;
  /** Whose change it reports; a customer's deliveries go out in `seq` order. */
  customer_uuid: string | null;
  data: Json;
  status: Generated<"PENDING" | "DELIVERED" | "FAILED" | "DEAD">;
  attempts: Generated<number>;
  next_attempt_at: Timestamp;
  /** A worker's claim on it, until this instant. */
  lease_until: Timestamp | null;
  /** Start of its retry window (creation, or the last redelivery). */
  window_start: Timestamp;
  last_attempt_at: Timestamp | null;
  last_status_code: number | null;
  /** The start of the receiver's last answer body. */
  last_response: string | null;
  last_error: string | null;
  delivered_at: Timestamp | null;
  created_at: Timestamp;
}
