import type { CreatedAt, Generated, Numeric, Timestamp } from "./types.ts";

export interface CouponCodeTable {
  account_id: string;
  id: string;
  campaign_id: string;
  code: string;
  max_uses: number | null;
  uses_count: Generated<number>;
  created_at: CreatedAt;
}

/** Redemptions of a COUPONS campaign so far (what its `quantity` caps). */
export interface CouponUsageTable {
  account_id: string;
  campaign_id: string;
  uses: number;
}

export interface CouponRedemptionTable {
  account_id: string;
  id: string;
  code_id: string;
  campaign_id: string;
  customer_uuid: string;
  event_id: string;
  status: "ACTIVE" | "REVERSED";
  created_at: CreatedAt;
  reversed_at: Timestamp | null;
}

export interface GiftCardTable {
  account_id: string;
  id: string;
  reward_id: string;
  code: string;
  description: string | null;
  customer_uuid: string | null;
  event_id: string | null;
  rewarded_at: Timestamp | null;
  expired_at: Timestamp | null;
  redeemed_at: Timestamp | null;
  created_at: CreatedAt;
  /** The card's money value (null: the reward's `attributes.value`). */
  value: Numeric | null;
  /** The campaign and wallet lot that drew the card (null while in the pool). */
  campaign_id: string | null;
  line_id: string | null;
}

export interface PunchCardTable {
  account_id: string;
  campaign_id: string;
  customer_uuid: string;
  stamps: number;
  completed: number;
  updated_at: Generated<Date>;
}

/** One stamp an event gave on a punch card (so a reversal can take it back). */
export interface PunchCardStampTable {
  account_id: string;
  event_id: string;
  campaign_id: string;
  customer_uuid: string;
  /** This stamp filled the card: the event earned the campaign's effects. */
  completed: boolean;
  status: "ACTIVE" | "REVERSED";
  created_at: CreatedAt;
}

/** A referee brought by a referral code; rewarded (both sides) at most once. */
export interface ReferralTable {
  account_id: string;
  id: string;
  campaign_id: string;
  code_id: string;
  referrer_uuid: string;
  referee_uuid: string;
  status: "PENDING" | "REWARDED" | "REVERSED";
  /** The referee's first PURCHASE that rewarded the referral. */
  event_id: string | null;
  /** The referrer's REFERRAL event holding the referrer's rewards. */
  referrer_event_id: string | null;
  created_at: CreatedAt;
  rewarded_at: Timestamp | null;
  reversed_at: Timestamp | null;
}

export interface ReferralCodeTable {
  account_id: string;
  id: string;
  campaign_id: string;
  customer_uuid: string;
  code: string;
  uses_count: Generated<number>;
  max_uses: number | null;
  metadata: unknown;
  created_at: CreatedAt;
}

export interface MigrationJobTable {
  account_id: string;
  id: string;
  type: string;
  status: string;
  items: number;
  payload: unknown;
  processed: Generated<number>;
  succeeded: Generated<number>;
  failed: Generated<number>;
  errors: unknown;
  /** Balance entries, events or transactions in the batch (the records inside the items). */
  records: Generated<number>;
  /** Records recognised as already migrated and skipped. */
  duplicates: Generated<number>;
  attempts: Generated<number>;
  /** The worker holding (or, once finished, that finished) the job; it renews its lease before lease_expires_at. */
  locked_by: string | null;
  lease_expires_at: Timestamp | null;
  created_at: CreatedAt;
  started_at: Timestamp | null;
  finished_at: Timestamp | null;
}
