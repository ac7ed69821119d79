import type Decimal from "decimal.js";

/** One condition as stored and sent on the wire (docs/api-decisions.md#conditions). */
export interface Condition {
  type: string;
  operator: string;
  primitive: string;
  value: unknown;
  message?: string | null;
}
/** OR of AND groups. An empty list always holds. */
export type Conditions = Condition[][];

export interface RedeemItem {
  id: string;
  amount?: number;
}

export interface OrderProduct {
  sku?: string | null;
  amount?: number | null;
  value?: number | null;
  discounted_value?: number | null;
  tags?: Record<string, unknown> | null;
  metadata?: Record<string, unknown> | null;
  redeem?: RedeemItem[] | null;
}

export interface Order {
  purchase_id?: string | null;
  channel_id?: string | null;
  store_id?: string | null;
  value?: number | null;
  discounted_value?: number | null;
  products?: OrderProduct[] | null;
  shipping?: {
    value?: number | null;
    discounted_value?: number | null;
    tags?: Record<string, unknown> | null;
    redeem?: RedeemItem[] | null;
  } | null;
  payment_method?: string | null;
  redeem?: RedeemItem[] | null;
  metadata?: Record<string, unknown> | null;
}

/** The facts about an event that conditions and matching read. */
export interface EventFacts {
  type: string;
  brand_id: string | null;
  platform: string | null;
  issued_at: Date;
  tags: Record<string, unknown>;
  order: Order | null;
}

/** Per-period customer metrics (lifetime, this_year, last_year, this_month, …). */
export interface PeriodMetrics {
  from: string | null;
  to: string | null;
  tier_id?: string | null;
  last_visit: string | null;
  last_session?: string | null;
  spend_total: number;
  number_of_purchases: number;
}
export type CustomerMetrics = Record<string, PeriodMetrics | string | undefined>;

/** The facts about a customer that conditions read. */
export interface CustomerFacts {
  tier_id: string;
  tags: Record<string, unknown>;
  metrics: CustomerMetrics;
  registration_date: Date;
  dob: Date | null;
  country: string | null;
}

/** Everything a condition may read; `product` is set only when checking a line. */
export interface ConditionContext {
  now: Date;
  event: EventFacts | null;
  customer: CustomerFacts | null;
  product?: OrderProduct | null;
}

export interface RewardFacts {
  id: string;
  brand_id: string | null;
  type: "POINTS" | "DISCOUNT" | "GIFT_CARD" | "PRODUCT";
  attributes: Record<string, unknown>;
}

export interface Effect {
  reward_id: string;
  tier_id: string | null;
  amount: number;
  expiration_date: string | null;
  calculation?: "PER_UNIT_SPENT" | "FIXED" | null;
}

export interface Rule {
  conditions: Conditions;
  effects: Effect[];
}

/** A campaign as the engine needs it. */
export interface CampaignFacts {
  id: string;
  type: "BEHAVIOR" | "COUPONS" | "PUNCH_CARDS" | "REFERRALS";
  brand_id: string | null;
  platforms: string[] | null;
  trigger: string | null;
  status: "ACTIVE" | "INACTIVE";
  start_date: Date;
  end_date: Date | null;
  rules: Rule[];
  budget: string | null;
  divide_budget_in: "daily" | "weekly" | "monthly" | null;
  funded_by: string | null;
  /** Changes whenever the campaign does; keys the compiled-campaign cache. */
  updated_at: Date;
}

export interface TierFacts {
  id: string;
  level: number;
  status: "ACTIVE" | "INACTIVE";
  entry_conditions: Conditions;
  exit_conditions: Conditions;
}

/** One reward to credit, as computed by the engine. */
export interface Accrual {
  campaign_id: string;
  rule_index: number;
  reward_id: string;
  amount: Decimal;
  /** Money cost charged against the campaign budget. */
  cost: Decimal;
  expiration_date: Date | null;
}
