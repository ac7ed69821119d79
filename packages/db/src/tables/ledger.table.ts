import type { ColumnType } from "kysely";
import type { CreatedAt, Generated, Numeric, Timestamp } from "./types.ts";

export type EventStatus =
  | "PENDING"
  | "PROCESSING"
  | "FAILED"
  | "RESOLVED"
  | "CANCELLED"
  | "EXPIRED"
  | "REVERSED";

export interface EventTable {
  account_id: string;
  id: string;
  customer_uuid: string;
  brand_id: string | null;
  type: string;
  status: EventStatus;
  source: Generated<"API" | "MIGRATION" | "SYSTEM" | "COUPON">;
  fulfilled: boolean;
  reserve: number | null;
  purchase_id: string | null;
  migration_key: string | null;
  payload: unknown;
  payload_hash: string;
  issued_at: Timestamp;
  processing_at: Timestamp | null;
  resolved_at: Timestamp | null;
  cancelled_at: Timestamp | null;
  expired_at: Timestamp | null;
  reversed_at: Timestamp | null;
  reservation_expires_at: Timestamp | null;
  reverse_reason: string | null;
  rewarding_campaigns: unknown;
  result: unknown;
  created_at: CreatedAt;
}

export interface WalletLineTable {
  account_id: string;
  id: string;
  wallet_id: string;
  reward_id: string;
  campaign_id: string | null;
  brand_id: string | null;
  event_id: string | null;
  source: "ACCUMULATION" | "MIGRATION" | "TRANSFER" | "ADJUSTMENT";
  amount: Numeric;
  remaining: Numeric;
  reserved: ColumnType<string, string | number | undefined, string | number>;
  issued_at: Timestamp;
  expiration_date: Timestamp | null;
  reservation_expires_at: Timestamp | null;
  channel_id: string | null;
  store_id: string | null;
  funded_by: string | null;
  created_at: CreatedAt;
}

export type TransactionType =
  | "ACCUMULATION"
  | "REDEMPTION"
  | "EXPIRATION"
  | "MIGRATION"
  | "TRANSFER"
  | "REVERSAL"
  | "ADJUSTMENT";

export interface TransactionTable {
  account_id: string;
  id: string;
  wallet_id: string;
  customer_uuid: string;
  reward_id: string;
  line_id: string | null;
  event_id: string | null;
  campaign_id: string | null;
  reverses_id: string | null;
  brand_id: string | null;
  channel_id: string | null;
  store_id: string | null;
  funded_by: string | null;
  event_type: string | null;
  reward_type: string;
  type: TransactionType;
  amount: Numeric;
  cost: Numeric;
  details: string | null;
  receiver_id: string | null;
  sender_id: string | null;
  migration_key: string | null;
  issued_at: Timestamp;
  created_at: CreatedAt;
  attributes: unknown;
  metadata: unknown;
}

export interface ReservationTable {
  account_id: string;
  id: string;
  event_id: string;
  line_id: string;
  amount: Numeric;
  status: "HELD" | "SPENT" | "RELEASED";
  expires_at: Timestamp;
  created_at: CreatedAt;
}
