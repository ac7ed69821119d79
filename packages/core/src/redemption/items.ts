import type Decimal from "decimal.js";
import { type CompiledConditions, compileConditions } from "../conditions/index.ts";
import { ceilTo, D, dec, roundMoney } from "../decimal.ts";
import type { ConditionContext, OrderProduct, RedeemItem } from "../types.ts";
import type { RedeemableReward, RedeemedEntry, RedemptionError } from "./types.ts";

/** Where a redeem array sits (EVENT: the event's top-level `redeem`, outside any order). */
export type Level = "PRODUCT" | "SHIPPING" | "ORDER" | "EVENT";

/** The mutable state of one computation: balances left, draws so far, errors, compiled conditions. */
export interface RedemptionState {
  brandId: string | null;
  rewards: Map<string, RedeemableReward>;
  remaining: Map<string, Decimal>;
  draws: Map<string, Decimal>;
  errors: RedemptionError[];
  compiled: Map<string, CompiledConditions | null>;
  ctx: ConditionContext;
  /** SKUs of the order's live lines (for skus-restricted ORDER/SHIPPING discounts). */
  liveSkus: () => string[];
}

/** The entity a redeem item is applied to. */
export interface Target {
  level: Level;
  /** The line, for product-level items (conditions see it as ctx.product). */
  product: OrderProduct | null;
  /** The line's `amount` (quantity); 1 for shipping and order. */
  quantity: Decimal;
}

/** An item that passed every check: its reward and the units asked (amount × quantity). */
export interface Checked {
  reward: RedeemableReward;
  units: Decimal;
  /** Units per entity unit (the item's own amount). */
  uses: Decimal;
}

const ZERO = new D(0);

/** A finite number (or decimal string) attribute as a decimal; anything else → undefined. */
export function attrDec(value: unknown): Decimal | undefined {
  if (typeof value === "number" && Number.isFinite(value)) return dec(value);
  if (typeof value === "string" && /^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(value.trim())) {
    return dec(value.trim());
  }
  return undefined;
}

/** The decimals a POINTS reward is spent in (attributes.decimals, integer 0–8, default 0). */
export function pointDecimals(reward: RedeemableReward): number {
  const d = reward.attributes.decimals;
  return typeof d === "number" && Number.isInteger(d) && d >= 0 && d <= 8 ? d : 0;
}

/** Records a failed item on its entity and in the outcome's error list. */
export function failItem(
  s: RedemptionState,
  f: {
    path: string;
    item: RedeemItem;
    code: string;
    reward?: RedeemableReward;
    requirement?: string;
  },
): RedeemedEntry {
  const entry: RedeemedEntry = {
    id: f.item.id,
    amount: ZERO,
    reward: f.reward?.view ?? null,
    error: f.code,
  };
  const error: RedemptionError = { path: f.path, reward_id: f.item.id, code: f.code };
  if (f.requirement !== undefined) {
    entry.requirement = f.requirement;
    error.requirement = f.requirement;
  }
  s.errors.push(error);
  return entry;
}

function targetError(reward: RedeemableReward, at: Target, s: RedemptionState): string | null {
  if (reward.type === "PRODUCT") return at.level === "ORDER" ? null : "WRONG_TARGET";
  if (reward.type !== "DISCOUNT") return null;
  if (String(reward.attributes.target ?? "").toUpperCase() !== at.level) return "WRONG_TARGET";
  const skus = reward.attributes.skus;
  if (!Array.isArray(skus) || skus.length === 0) return null;
  const eligible = at.product ? [at.product.sku ?? ""] : s.liveSkus();
  return eligible.some((sku) => skus.includes(sku)) ? null : "SKU_NOT_ELIGIBLE";
}

function conditionsOf(s: RedemptionState, reward: RedeemableReward): CompiledConditions | null {
  if (!s.compiled.has(reward.id)) {
    let compiled: CompiledConditions | null = null;
    try {
      compiled = compileConditions(reward.conditions ?? [], `rewards[${reward.id}].conditions`);
    } catch {
      compiled = null;
    }
    s.compiled.set(reward.id, compiled);
  }
  return s.compiled.get(reward.id) ?? null;
}

/**
 * Checks an item in the order of docs/api-decisions.md#redemption-and-preview: reward exists, is not a gift card, fits the
 * order's brand, sits on the right level (and SKU), asks a valid amount, meets its conditions.
 */
export function checkItem(
  s: RedemptionState,
  item: RedeemItem,
  at: Target,
  path: string,
): Checked | RedeemedEntry {
  const reward = s.rewards.get(item.id);
  if (!reward) return failItem(s, { path, item, code: "REWARD_NOT_FOUND" });
  const fail = (code: string, requirement?: string) =>
    failItem(s, {
      path,
      item,
      code,
      reward,
      ...(requirement === undefined ? {} : { requirement }),
    });
  if (reward.type === "GIFT_CARD") return fail("GIFT_CARD_NOT_REDEEMABLE");
  if (reward.brand_id !== null && reward.brand_id !== s.brandId) return fail("WRONG_BRAND");
  const wrong = targetError(reward, at, s);
  if (wrong) return fail(wrong);
  const uses = dec(item.amount ?? 1);
  const units = uses.times(at.quantity);
  const whole = reward.type !== "POINTS";
  if (
    !units.isFinite() ||
    !units.gt(0) ||
    (whole && (!units.isInteger() || !uses.isInteger())) ||
    (!whole && units.decimalPlaces() > pointDecimals(reward))
  ) {
    return fail("INVALID_AMOUNT");
  }
  const compiled = conditionsOf(s, reward);
  if (!compiled || (reward.type === "DISCOUNT" && !discountWellFormed(reward.attributes))) {
    return fail("INVALID_REWARD");
  }
  if (!compiled.empty) {
    const result = compiled.evaluate({ ...s.ctx, product: at.product });
    if (!result.ok) return fail("CONDITION_NOT_MET", result.requirement);
  }
  return { reward, units, uses };
}

/** A DISCOUNT's stored attributes make sense: FIXED of a positive value, or 0–100% off. */
function discountWellFormed(a: Record<string, unknown>): boolean {
  const value = attrDec(a.value);
  const type = String(a.discount_type ?? "").toUpperCase();
  return Boolean(value?.gt(0)) && (type === "FIXED" || (type === "PERCENTAGE" && value!.lte(100)));
}

/** Money effect of a POINTS or DISCOUNT item on an entity worth `current` (2 dp). */
export function valueEffect(
  c: Checked,
  current: Decimal,
  quantity: Decimal,
): { consumed: Decimal; discount: Decimal } | { code: string } {
  const a = c.reward.attributes;
  if (current.isZero()) return { consumed: ZERO, discount: ZERO };
  if (c.reward.type === "POINTS") {
    const factor = attrDec(a.conversion_factor);
    if (!factor?.gt(0)) return { code: "NO_CONVERSION_FACTOR" };
    return capped(c.units, factor, current, pointDecimals(c.reward));
  }
  // checkItem refused a malformed DISCOUNT: FIXED of a positive value, else 0–100% off.
  const value = attrDec(a.value)!;
  if (String(a.discount_type).toUpperCase() === "FIXED") {
    return capped(c.units, value, current, 0);
  }
  const rate = value.div(100);
  if (rate.eq(1)) {
    // A second 100% use on the same unit would take nothing more: consume one per unit, a
    // started unit (1.5 kg of a line) counting whole, as uses are whole.
    return { consumed: D.min(c.units, quantity.ceil()), discount: current };
  }
  const kept = new D(1).minus(rate).pow(c.uses);
  return { consumed: c.units, discount: roundMoney(current.times(new D(1).minus(kept))) };
}

/** units × unit value, capped at `current`; a capped item consumes only the units it needs. */
function capped(units: Decimal, unit: Decimal, current: Decimal, decimals: number) {
  const asked = units.times(unit);
  if (asked.lt(current)) return { consumed: units, discount: roundMoney(asked) };
  return { consumed: D.min(units, ceilTo(current.div(unit), decimals)), discount: current };
}

/** Takes `amount` units of a reward from what is left; false (nothing taken) when short. */
export function spend(s: RedemptionState, rewardId: string, amount: Decimal): boolean {
  const left = s.remaining.get(rewardId) ?? ZERO;
  if (amount.gt(left)) return false;
  s.remaining.set(rewardId, left.minus(amount));
  if (amount.isZero() && !s.draws.has(rewardId)) return true;
  s.draws.set(rewardId, (s.draws.get(rewardId) ?? ZERO).plus(amount));
  return true;
}
