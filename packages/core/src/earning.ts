import type Decimal from "decimal.js";
import type { MatchedRule } from "./campaigns.ts";
import { D, dec, floorTo } from "./decimal.ts";
import { addExpiry } from "./expiry.ts";
import type { Accrual, Effect, EventFacts, RewardFacts } from "./types.ts";

/** A finite number or decimal string attribute as a decimal; anything else → undefined. */
function attr(value: unknown): Decimal | undefined {
  if (typeof value === "number" && Number.isFinite(value)) return dec(value);
  if (typeof value === "string" && /^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i.test(value.trim())) {
    return dec(value.trim());
  }
  return undefined;
}

/** The decimals a POINTS reward keeps (attributes.decimals, integer 0–8, default 0). */
function pointDecimals(reward: RewardFacts): number {
  const d = reward.attributes.decimals;
  return typeof d === "number" && Number.isInteger(d) && d >= 0 && d <= 8 ? d : 0;
}

/** The paid value of the event's order: discounted_value, else value; shipping excluded; no order → 0. */
function paidValue(event: EventFacts): Decimal {
  const o = event.order;
  return attr(o?.discounted_value) ?? attr(o?.value) ?? new D(0);
}

/**
 * How much of the reward one effect earns: PER_UNIT_SPENT = amount × paid value, FIXED = amount.
 * Default PER_UNIT_SPENT for POINTS on a PURCHASE, else FIXED; POINTS are floored to the reward's
 * decimals, other rewards to whole units; never negative.
 */
export function effectAmount(opts: {
  effect: Effect;
  reward: RewardFacts;
  event: EventFacts;
}): Decimal {
  const { effect, reward, event } = opts;
  const calculation =
    effect.calculation ??
    (reward.type === "POINTS" && event.type === "PURCHASE" ? "PER_UNIT_SPENT" : "FIXED");
  const base = attr(effect.amount) ?? new D(0);
  let amount = calculation === "PER_UNIT_SPENT" ? base.times(paidValue(event)) : base;
  // Points to the reward's decimals; discounts, products and gift cards are used one whole unit
  // at a time, so a per-unit-spent amount of them is floored to whole units.
  amount = floorTo(amount, reward.type === "POINTS" ? pointDecimals(reward) : 0);
  return amount.isNeg() || amount.isZero() ? new D(0) : amount;
}

/**
 * The money cost of `amount` units of a reward, charged against a campaign budget: POINTS ×
 * conversion_factor, FIXED discount × value (PERCENTAGE costs 0 up front), GIFT_CARD and PRODUCT × value.
 */
export function rewardCost(reward: RewardFacts, amount: Decimal): Decimal {
  const a = reward.attributes;
  let unit: Decimal;
  switch (reward.type) {
    case "POINTS":
      unit = attr(a.conversion_factor) ?? new D(0);
      break;
    case "DISCOUNT":
      unit =
        String(a.discount_type ?? "").toUpperCase() === "FIXED"
          ? (attr(a.value) ?? new D(0))
          : new D(0);
      break;
    default:
      unit = attr(a.value) ?? new D(0);
  }
  return dec(amount).times(unit);
}

/**
 * The rewards to credit for the matched rules: known rewards only, brand-specific rewards only in
 * their brand's events, positive amounts only; expiry counted from the event's issued_at.
 */
export function computeAccruals(opts: {
  matches: MatchedRule[];
  rewards: Map<string, RewardFacts>;
  event: EventFacts;
}): Accrual[] {
  const { event } = opts;
  const out: Accrual[] = [];
  for (const m of opts.matches) {
    for (const effect of m.effects) {
      const reward = opts.rewards.get(effect.reward_id);
      if (!reward) continue;
      if (reward.brand_id !== null && reward.brand_id !== event.brand_id) continue;
      const amount = effectAmount({ effect, reward, event });
      if (!amount.gt(0)) continue;
      out.push({
        campaign_id: m.campaign.id,
        rule_index: m.rule_index,
        reward_id: reward.id,
        amount,
        cost: rewardCost(reward, amount),
        expiration_date: addExpiry(event.issued_at, effect.expiration_date ?? null),
      });
    }
  }
  return out;
}
