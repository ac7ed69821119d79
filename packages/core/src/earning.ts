import type Decimal from "decimal.js";
import { isStorableInstant } from "./calendar.ts";
import type { MatchedRule } from "./campaigns.ts";
import { D, dec, floorTo } from "./decimal.ts";
import { DomainError } from "./errors.ts";
import { addExpiry } from "./expiry.ts";
import type { Accrual, Effect, EventFacts, RewardFacts } from "./types.ts";

/**
 * The most one credit (a lot) holds: 10^12, the largest amount a request may carry. With unit
 * values (conversion_factor, a reward's value) bounded alike, every cost then fits the engine's
 * 40 significant digits exactly.
 */
export const MAX_CREDIT = new D("1e12");

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
 * A credit's expiry. Durations are bounded when written, so only one stored before that could
 * fall outside years 0001–9999: a bug to log (500), not the caller's fault.
 */
function expiryOf(m: MatchedRule, effect: Effect, from: Date): Date | null {
  const at = addExpiry(from, effect.expiration_date ?? null);
  if (at === null || isStorableInstant(at)) return at;
  throw new DomainError(
    "INTERNAL",
    `campaign ${m.campaign.id} rules[${m.rule_index}]: expiration_date ${JSON.stringify(effect.expiration_date)} after ${from.toISOString()} falls outside years 0001-9999 (stored before durations were bounded; pause or end the campaign)`,
  );
}

/**
 * The rewards to credit for the matched rules: known rewards only, brand-specific rewards only in
 * their brand's events, positive amounts only; expiry counted from the event's issued_at. A credit
 * above MAX_CREDIT (an amount per unit spent times a large order) refuses the event (422).
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
      if (amount.gt(MAX_CREDIT)) {
        throw new DomainError(
          "AMOUNT_TOO_LARGE",
          `order: campaign ${m.campaign.id} (rules[${m.rule_index}]) would credit ${amount.toFixed()} of reward ${reward.id} for this order; one credit is at most ${MAX_CREDIT.toFixed()}`,
          { extra: { campaign_id: m.campaign.id } },
        );
      }
      out.push({
        campaign_id: m.campaign.id,
        rule_index: m.rule_index,
        reward_id: reward.id,
        amount,
        cost: rewardCost(reward, amount),
        expiration_date: expiryOf(m, effect, event.issued_at),
      });
    }
  }
  return out;
}
