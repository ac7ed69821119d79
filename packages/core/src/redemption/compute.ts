import type Decimal from "decimal.js";
import { D, dec, roundMoney } from "../decimal.ts";
import type { CustomerFacts, EventFacts, Order, RedeemItem } from "../types.ts";
import {
  checkItem,
  failItem,
  type RedemptionState,
  spend,
  type Target,
  valueEffect,
} from "./items.ts";
import { buildOutcome, type Work } from "./outcome.ts";
import { applyProductItem, type WorkLine } from "./products.ts";
import type { RedeemableReward, RedemptionOutcome } from "./types.ts";

const ZERO = new D(0);
const ONE = new D(1);

/** An entity's current value (discounted_value, else value) in cents, never negative. */
function moneyOf(e: { value?: number | null; discounted_value?: number | null } | null): Decimal {
  const v = roundMoney(dec(e?.discounted_value ?? e?.value ?? 0));
  return v.isNeg() ? ZERO : v;
}

/** Applies one item: POINTS/DISCOUNT discount `w`; a PRODUCT reward (order level) reshapes `lines`. */
function applyItem(
  s: RedemptionState,
  w: Work,
  item: RedeemItem,
  at: Target,
  path: string,
  lines: WorkLine[],
): void {
  const c = checkItem(s, item, at, path);
  if (!("units" in c)) {
    w.redeemed.push(c);
    return;
  }
  if (c.reward.type === "PRODUCT") {
    const entry = applyProductItem(s, c, item, path, lines);
    if (!entry.error) w.consumed = w.consumed.plus(entry.amount);
    w.redeemed.push(entry);
    return;
  }
  const effect = valueEffect(c, w.value, at.quantity);
  if ("code" in effect) {
    w.redeemed.push(failItem(s, { path, item, code: effect.code, reward: c.reward }));
    return;
  }
  if (!spend(s, c.reward.id, effect.consumed)) {
    w.redeemed.push(failItem(s, { path, item, code: "INSUFFICIENT_BALANCE", reward: c.reward }));
    return;
  }
  w.value = w.value.minus(effect.discount);
  w.consumed = w.consumed.plus(effect.consumed);
  w.redeemed.push({ id: item.id, amount: effect.consumed, reward: c.reward.view });
}

function applyAll(
  s: RedemptionState,
  w: Work,
  items: RedeemItem[] | null | undefined,
  at: Target,
  base: string,
  lines: WorkLine[],
): void {
  (items ?? []).forEach((item, j) => {
    applyItem(s, w, item, at, `${base}.redeem[${j}]`, lines);
  });
}

/**
 * Computes what the order's `redeem` arrays do (docs/api-decisions.md#redemption-and-preview), without IO: product lines in
 * request order, then shipping, then the order, whose discounts apply to the merchandise left
 * after line discounts and are split over the live lines by largest remainder. Invalid items are
 * reported per item and never applied; valid ones are. Balances are per reward id, available
 * (net of reservations and expired lots); all money is exact and in cents.
 */
export function computeRedemption(opts: {
  order: Order;
  /** The event's top-level `redeem` items (POINTS spent outside the order). */
  redeem?: RedeemItem[] | null;
  brandId: string | null;
  rewards: Map<string, RedeemableReward>;
  balances: Map<string, Decimal>;
  customer: CustomerFacts | null;
  now: Date;
  event?: EventFacts | null;
}): RedemptionOutcome {
  const { order, brandId, now } = opts;
  const event: EventFacts = opts.event ?? {
    type: "PURCHASE",
    brand_id: brandId,
    platform: null,
    issued_at: now,
    tags: {},
    order,
  };
  const products = order.products ?? [];
  const lines: WorkLine[] = products.map((p, index) => {
    const value = moneyOf(p);
    return {
      index,
      sku: p.sku ?? null,
      quantity: dec(p.amount ?? 1),
      original: value,
      value,
      redeemed: [],
      consumed: ZERO,
      hasRedeem: Array.isArray(p.redeem),
      removed: false,
      createdBy: null,
    };
  });
  const s: RedemptionState = {
    brandId,
    rewards: opts.rewards,
    remaining: new Map(opts.balances),
    draws: new Map(),
    errors: [],
    compiled: new Map(),
    ctx: { now, event, customer: opts.customer },
    liveSkus: () => lines.filter((l) => !l.removed && l.sku !== null).map((l) => l.sku as string),
  };
  products.forEach((p, i) => {
    const line = lines[i] as WorkLine;
    const at: Target = { level: "PRODUCT", product: p, quantity: line.quantity };
    applyAll(s, line, p.redeem, at, `order.products[${i}]`, lines);
  });

  const ship = order.shipping ?? null;
  const shipWork: Work = {
    original: moneyOf(ship),
    value: moneyOf(ship),
    redeemed: [],
    consumed: ZERO,
  };
  if (ship) {
    const at: Target = { level: "SHIPPING", product: null, quantity: ONE };
    applyAll(s, shipWork, ship.redeem, at, "order.shipping", lines);
  }

  const byLines = products.length > 0;
  const merchandise = (pick: (l: WorkLine) => Decimal) =>
    lines.filter((l) => !l.removed).reduce((sum, l) => sum.plus(pick(l)), ZERO);
  const original = byLines ? merchandise((l) => l.original) : moneyOf(order);
  const orderWork: Work = {
    original,
    value: byLines ? merchandise((l) => l.value) : original,
    redeemed: [],
    consumed: ZERO,
  };
  const before = orderWork.value;
  const orderAt: Target = { level: "ORDER", product: null, quantity: ONE };
  applyAll(s, orderWork, order.redeem, orderAt, "order", lines);
  const orderDiscount = before.minus(orderWork.value);
  const direct = (opts.redeem ?? []).map((item, j) => applyDirect(s, item, `redeem[${j}]`));

  const outcome = buildOutcome({
    s,
    lines,
    byLines,
    ship: shipWork,
    shipHasRedeem: Boolean(ship && Array.isArray(ship.redeem)),
    orderWork,
    orderDiscount,
    orderHasRedeem: Array.isArray(order.redeem),
  });
  return { ...outcome, direct };
}

/**
 * A top-level `redeem` item: spends POINTS units as asked, outside any order (no money moves);
 * DISCOUNT and PRODUCT rewards need an entity to apply to, so they are `WRONG_TARGET` here.
 */
function applyDirect(s: RedemptionState, item: RedeemItem, path: string) {
  const c = checkItem(s, item, { level: "EVENT", product: null, quantity: ONE }, path);
  if (!("units" in c)) return c;
  if (!spend(s, c.reward.id, c.units)) {
    return failItem(s, { path, item, code: "INSUFFICIENT_BALANCE", reward: c.reward });
  }
  return { id: item.id, amount: c.units, reward: c.reward.view };
}
