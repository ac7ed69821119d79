import type Decimal from "decimal.js";
import { dec } from "../src/decimal.ts";
import { computeRedemption } from "../src/redemption/compute.ts";
import type { RedeemableReward, RedemptionOutcome } from "../src/redemption/types.ts";
import type { Conditions, CustomerFacts, Order, RedeemItem } from "../src/types.ts";
import { customer, NOW } from "./fixtures.ts";

/** Reward ids used across the redemption tests. */
export const R = {
  points: "00000000-0000-4000-8000-000000000001",
  tenth: "00000000-0000-4000-8000-000000000002",
  pct: "00000000-0000-4000-8000-000000000003",
  fixed: "00000000-0000-4000-8000-000000000004",
  ship: "00000000-0000-4000-8000-000000000005",
  prod: "00000000-0000-4000-8000-000000000006",
  add: "00000000-0000-4000-8000-000000000007",
  swap: "00000000-0000-4000-8000-000000000008",
  gift: "00000000-0000-4000-8000-000000000009",
  other: "00000000-0000-4000-8000-00000000000a",
  missing: "00000000-0000-4000-8000-0000000000ff",
} as const;

/** A redeemable reward whose view is a small marker object. */
export function reward(
  id: string,
  type: RedeemableReward["type"],
  attributes: Record<string, unknown>,
  over: { brand_id?: string | null; conditions?: Conditions } = {},
): RedeemableReward {
  return {
    id,
    type,
    attributes,
    brand_id: over.brand_id ?? null,
    conditions: over.conditions ?? [],
    view: { id, type },
  };
}

/** The rewards most tests use. */
export const REWARDS: RedeemableReward[] = [
  reward(R.points, "POINTS", { conversion_factor: 1 }),
  reward(R.tenth, "POINTS", { conversion_factor: 0.1 }),
  reward(R.pct, "DISCOUNT", { discount_type: "PERCENTAGE", value: 10, target: "ORDER" }),
  reward(R.fixed, "DISCOUNT", { discount_type: "FIXED", value: 5, target: "PRODUCT" }),
  reward(R.ship, "DISCOUNT", { discount_type: "PERCENTAGE", value: 100, target: "SHIPPING" }),
  reward(R.prod, "DISCOUNT", {
    discount_type: "PERCENTAGE",
    value: 50,
    target: "PRODUCT",
    skus: ["SKU-1"],
  }),
  reward(R.add, "PRODUCT", { mode: "ADD", sku: "FREE-1", value: 3 }),
  reward(R.swap, "PRODUCT", { mode: "REPLACE", sku: "BIG", replaces_sku: "SMALL" }),
  reward(R.gift, "GIFT_CARD", { value: 25 }),
  reward(R.other, "POINTS", { conversion_factor: 1 }, { brand_id: "brand-b" }),
];

/** Runs computeRedemption with plenty of every reward unless balances are given. */
export function run(opts: {
  order: Order;
  redeem?: RedeemItem[];
  rewards?: RedeemableReward[];
  balances?: Record<string, number | string>;
  brandId?: string | null;
  customer?: CustomerFacts | null;
}): RedemptionOutcome {
  const rewards = opts.rewards ?? REWARDS;
  const balances = new Map<string, Decimal>(
    opts.balances
      ? Object.entries(opts.balances).map(([k, v]) => [k, dec(v)])
      : rewards.map((r) => [r.id, dec(1_000_000)]),
  );
  return computeRedemption({
    order: opts.order,
    redeem: opts.redeem ?? null,
    brandId: opts.brandId === undefined ? "brand-a" : opts.brandId,
    rewards: new Map(rewards.map((r) => [r.id, r])),
    balances,
    customer: opts.customer === undefined ? customer() : opts.customer,
    now: NOW,
  });
}

/** Decimal → string for compact assertions. */
export const s = (x: Decimal | undefined) => x?.toString();
