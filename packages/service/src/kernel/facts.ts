import type {
  CampaignFacts,
  CustomerFacts,
  CustomerMetrics,
  EventFacts,
  Order,
  RewardFacts,
  Rule,
  TierFacts,
} from "@tally/core";
import type { Database } from "@tally/db";
import type { Selectable } from "kysely";

type Row<T extends keyof Database> = Selectable<Database[T]>;

/** What an event's payload looks like once validated (REST, migrations and system events alike). */
export interface EventPayload {
  customer_id: string;
  brand_id: string | null;
  type: string;
  platform?: string | null;
  order?: Order | null;
  product?: unknown;
  tags?: Record<string, unknown> | null;
  referral_code?: string | null;
  metadata?: Record<string, unknown> | null;
  issued_at?: string | null;
  fulfilled?: boolean;
  reserve?: number | null;
  redeem?: unknown[] | null;
}

/** Event payload → the facts conditions and matching read. */
export function eventFacts(payload: EventPayload, issuedAt: Date): EventFacts {
  return {
    type: payload.type,
    brand_id: payload.brand_id,
    platform: payload.platform ?? null,
    issued_at: issuedAt,
    tags: payload.tags ?? {},
    order: payload.order ?? null,
  };
}

/** Customer row → the facts conditions read. */
export function customerFacts(c: Row<"customers">, metrics?: CustomerMetrics): CustomerFacts {
  return {
    tier_id: c.tier_id,
    tags: (c.tags as Record<string, unknown>) ?? {},
    metrics: metrics ?? (c.metrics as CustomerMetrics) ?? {},
    registration_date: c.registration_date,
    dob: c.dob,
    country: c.country,
  };
}

/** Campaign row → engine campaign. */
export function campaignFacts(c: Row<"campaigns">): CampaignFacts {
  return {
    id: c.id,
    type: c.type,
    brand_id: c.brand_id,
    platforms: (c.platforms as string[] | null) ?? null,
    trigger: c.trigger,
    status: c.status,
    start_date: c.start_date,
    end_date: c.end_date,
    rules: c.rules as Rule[],
    budget: c.budget,
    divide_budget_in: c.divide_budget_in,
    funded_by: c.funded_by,
    updated_at: c.updated_at,
  };
}

/**
 * A REFERRALS campaign's referee side as an engine campaign: its referee rules, under an id of
 * its own so it compiles (and is cached) apart from the referrer's rules.
 */
export function refereeFacts(c: Row<"campaigns">, facts = campaignFacts(c)): CampaignFacts {
  return { ...facts, id: `${c.id}:referee`, rules: (c.referee_rules ?? []) as Rule[] };
}

/** Reward row → engine reward. */
export function rewardFacts(r: Row<"rewards">): RewardFacts {
  return {
    id: r.id,
    brand_id: r.brand_id,
    type: r.type,
    attributes: (r.attributes as Record<string, unknown>) ?? {},
  };
}

/** Tier row → engine tier. */
export function tierFacts(t: Row<"tiers">): TierFacts {
  return {
    id: t.id,
    level: t.level,
    status: t.status,
    entry_conditions: t.entry_conditions as TierFacts["entry_conditions"],
    exit_conditions: t.exit_conditions as TierFacts["exit_conditions"],
  };
}
