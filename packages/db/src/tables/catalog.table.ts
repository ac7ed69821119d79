import type { CreatedAt, Generated, Numeric, Timestamp } from "./types.ts";

export interface TierTable {
  account_id: string;
  id: string;
  name: string;
  description: string | null;
  status: "ACTIVE" | "INACTIVE";
  level: number;
  entry_conditions: unknown;
  exit_conditions: unknown;
  created_at: CreatedAt;
  updated_at: Generated<Date>;
}

export interface RewardTable {
  account_id: string;
  id: string;
  brand_id: string | null;
  platforms: unknown;
  name: string;
  description: string | null;
  type: "POINTS" | "DISCOUNT" | "GIFT_CARD" | "PRODUCT";
  conditions: unknown;
  attributes: unknown;
  created_at: CreatedAt;
  updated_at: Generated<Date>;
  /** Archived: no campaign may give it any more; lots already earned stay spendable. */
  archived_at: Generated<Date | null>;
}

export interface CampaignTable {
  account_id: string;
  id: string;
  type: "BEHAVIOR" | "COUPONS" | "PUNCH_CARDS" | "REFERRALS";
  brand_id: string | null;
  platforms: unknown;
  name: string;
  description: string | null;
  trigger: string | null;
  privacy: Generated<string>;
  rules: unknown;
  referee_rules: unknown;
  status: "ACTIVE" | "INACTIVE";
  start_date: Timestamp;
  end_date: Timestamp | null;
  funded_by: string | null;
  budget: Numeric | null;
  divide_budget_in: "daily" | "weekly" | "monthly" | null;
  labels: unknown;
  metadata: unknown;
  quantity: number | null;
  attributes: unknown;
  created_at: CreatedAt;
  updated_at: Generated<Date>;
  /** Archived: no campaign may give it any more; lots already earned stay spendable. */
  archived_at: Generated<Date | null>;
}

export interface CampaignBudgetUsageTable {
  account_id: string;
  campaign_id: string;
  /** The campaign's divide_budget_in when charged ('none' without one). */
  division: Generated<"none" | "daily" | "weekly" | "monthly">;
  period_start: Timestamp;
  used: Numeric;
}
