import type {
  CampaignFacts,
  Condition,
  ConditionContext,
  CustomerFacts,
  EventFacts,
  RewardFacts,
} from "../src/types.ts";

export const NOW = new Date("2026-11-18T12:00:00.000Z"); // a Wednesday

/** A PURCHASE event with a two-line order. */
export function purchase(over: Partial<EventFacts> = {}): EventFacts {
  return {
    type: "PURCHASE",
    brand_id: "brand-a",
    platform: "WEB",
    issued_at: new Date("2026-11-18T11:00:00.000Z"),
    tags: { source: "newsletter", visits: 3 },
    order: {
      purchase_id: "p-1",
      channel_id: "online",
      store_id: "store-7",
      value: 120.5,
      discounted_value: 100.25,
      payment_method: "CARD",
      shipping: { value: 9.99 },
      products: [
        { sku: "SKU-1", amount: 2, value: 40, tags: { color: "red", size: 42 } },
        { sku: "SKU-2", value: 80.5, discounted_value: 60.25, tags: { color: "blue" } },
      ],
    },
    ...over,
  };
}

export function customer(over: Partial<CustomerFacts> = {}): CustomerFacts {
  return {
    tier_id: "tier-silver",
    tags: { segment: "vip", newsletter: true, score: "7.5" },
    metrics: {
      lifetime: {
        from: null,
        to: null,
        last_visit: null,
        spend_total: 1500.75,
        number_of_purchases: 12,
      },
    },
    registration_date: new Date("2026-10-01T09:00:00.000Z"),
    dob: new Date("1990-11-18T00:00:00.000Z"),
    country: "MX",
    ...over,
  };
}

export function ctx(over: Partial<ConditionContext> = {}): ConditionContext {
  return { now: NOW, event: purchase(), customer: customer(), ...over };
}

export function cond(
  type: string,
  operator: string,
  primitive: string,
  value: unknown,
  message?: string,
): Condition {
  return message === undefined
    ? { type, operator, primitive, value }
    : { type, operator, primitive, value, message };
}

let campaignSeq = 0;

/** A running PURCHASE campaign; each call gets its own id, as compiled campaigns are cached by id. */
export function campaign(over: Partial<CampaignFacts> = {}): CampaignFacts {
  campaignSeq += 1;
  return {
    id: `campaign-${campaignSeq}`,
    type: "BEHAVIOR",
    brand_id: null,
    platforms: null,
    trigger: "PURCHASE",
    status: "ACTIVE",
    start_date: new Date("2026-01-01T00:00:00.000Z"),
    end_date: null,
    rules: [],
    budget: null,
    divide_budget_in: null,
    funded_by: null,
    updated_at: new Date("2026-01-01T00:00:00.000Z"),
    ...over,
  };
}

export const REWARD_ID = "3c90c3cc-0d44-4b50-8888-8dd25736052a";

export function points(over: Partial<RewardFacts> = {}): RewardFacts {
  return {
    id: REWARD_ID,
    brand_id: null,
    type: "POINTS",
    attributes: { conversion_factor: 0.1 },
    ...over,
  };
}
