import type Decimal from "decimal.js";
import { allocate, D, roundPercent } from "../decimal.ts";
import type { RedemptionState } from "./items.ts";
import type { WorkLine } from "./products.ts";
import type {
  EntityResult,
  LineCharge,
  RedeemedEntry,
  RedemptionAction,
  RedemptionOutcome,
} from "./types.ts";

/** An entity being discounted: its value before and after, and what was redeemed on it. */
export interface Work {
  original: Decimal;
  value: Decimal;
  redeemed: RedeemedEntry[];
  consumed: Decimal;
}

const ZERO = new D(0);

/** A work entity's result; discount_value = original − value (both already in cents). */
function resultOf(w: Work, action: RedemptionAction): EntityResult {
  const discount = w.original.minus(w.value);
  return {
    redeemed: w.redeemed,
    amount: w.consumed,
    discount_value: discount,
    discount_percent: w.original.isZero() ? ZERO : roundPercent(discount.div(w.original)),
    value: w.value,
    action,
  };
}

function actionOf(w: Work): RedemptionAction {
  return w.value.eq(w.original) ? "READ" : "UPDATE";
}

function lineAction(l: WorkLine): RedemptionAction {
  if (l.removed) return "REMOVE";
  return l.createdBy ? "CREATE" : actionOf(l);
}

/**
 * Assembles the outcome. With product lines, the order-level discount is split over the live
 * lines by largest remainder (weights = their values after line discounts) and the amount to
 * charge is Σ live lines' (value − share) + shipping; without lines it is the order's own value
 * minus its discounts + shipping. The order's result covers the whole order: original = lines
 * (or order value) + shipping before any redemption, value = the amount to charge.
 */
export function buildOutcome(f: {
  s: RedemptionState;
  lines: WorkLine[];
  byLines: boolean;
  ship: Work;
  shipHasRedeem: boolean;
  orderWork: Work;
  orderDiscount: Decimal;
  orderHasRedeem: boolean;
}): Omit<RedemptionOutcome, "direct"> {
  const { s, lines, ship, orderWork, orderDiscount } = f;
  const live = lines.filter((l) => !l.removed);
  const shares = f.byLines
    ? allocate(
        orderDiscount,
        live.map((l) => l.value),
        2,
      )
    : [];
  const shareOf = new Map(live.map((l, i) => [l.index, shares[i] ?? ZERO]));
  const charges: LineCharge[] = lines.map((l) => {
    const share = shareOf.get(l.index) ?? ZERO;
    return {
      index: l.index,
      action: lineAction(l),
      value: l.value,
      order_discount: share,
      charged: l.removed ? ZERO : l.value.minus(share),
    };
  });
  const merchandise = f.byLines
    ? charges.reduce((sum, c) => sum.plus(c.charged), ZERO)
    : orderWork.value;
  const charged = merchandise.plus(ship.value);
  const total: Work = {
    ...orderWork,
    original: orderWork.original.plus(ship.original),
    value: charged,
  };
  const reshaped = lines.some((l) => l.removed || l.createdBy !== null);
  return {
    products: lines
      .filter((l) => l.createdBy === null)
      .map((l) => (l.hasRedeem || l.removed ? resultOf(l, lineAction(l)) : null)),
    created: lines
      .filter((l) => l.createdBy !== null)
      .map((l) => ({
        sku: l.sku ?? "",
        amount: l.quantity,
        value: l.value,
        reward_id: l.createdBy?.reward_id ?? "",
        replaces: l.createdBy?.replaces ?? null,
        result: resultOf(l, "CREATE"),
      })),
    shipping: f.shipHasRedeem ? resultOf(ship, actionOf(ship)) : null,
    order: resultOf(total, reshaped ? "UPDATE" : actionOf(total)),
    orderHasRedeem: f.orderHasRedeem,
    lines: charges,
    order_discount: orderDiscount,
    shipping_value: ship.value,
    charged,
    draws: [...s.draws.entries()].map(([reward_id, amount]) => ({ reward_id, amount })),
    errors: s.errors,
  };
}
