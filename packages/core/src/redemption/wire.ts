import { toWireNumber } from "../decimal.ts";
import type { Order, OrderProduct } from "../types.ts";
import type { EntityResult, RedemptionAction, RedemptionOutcome } from "./types.ts";

/** One `redeemed[]` entry as JSON. */
export interface RedeemedWire {
  id: string;
  amount: number;
  reward: unknown;
  error?: string;
  requirement?: string;
}

/** `redemptions_result` as JSON (money 2 dp, percent 4 dp, numbers exact). */
export interface RedemptionsResultWire {
  redeemed: RedeemedWire[];
  amount: number;
  discount_value: number;
  discount_percent: number;
  value: number;
  action: RedemptionAction;
}

type Shipping = NonNullable<Order["shipping"]>;

/** The order echoed with its results (docs/api-decisions.md#redemption-and-preview; Masivo's order). */
export interface RenderedOrder extends Omit<Order, "products" | "shipping"> {
  products?: (OrderProduct & { redemptions_result?: RedemptionsResultWire })[] | null;
  shipping?: (Shipping & { redemptions_result?: RedemptionsResultWire }) | null;
  redemptions_result?: RedemptionsResultWire;
}

/** An entity result → its JSON shape. */
export function toRedemptionsResultWire(r: EntityResult): RedemptionsResultWire {
  return {
    redeemed: r.redeemed.map((e) => {
      const out: RedeemedWire = { id: e.id, amount: toWireNumber(e.amount), reward: e.reward };
      if (e.error !== undefined) out.error = e.error;
      if (e.requirement !== undefined) out.requirement = e.requirement;
      return out;
    }),
    amount: toWireNumber(r.amount),
    discount_value: toWireNumber(r.discount_value),
    discount_percent: toWireNumber(r.discount_percent),
    value: toWireNumber(r.value),
    action: r.action,
  };
}

/**
 * The order as sent with `redemptions_result` on every entity that carried a redeem array, on
 * removed lines, and on the lines PRODUCT rewards appended (at the end of `products`).
 */
export function renderRedemptions(order: Order, outcome: RedemptionOutcome): RenderedOrder {
  const products = (order.products ?? []).map((p, i) => {
    const r = outcome.products[i];
    return r ? { ...p, redemptions_result: toRedemptionsResultWire(r) } : p;
  });
  for (const c of outcome.created) {
    products.push({
      sku: c.sku,
      amount: toWireNumber(c.amount),
      value: toWireNumber(c.value),
      redemptions_result: toRedemptionsResultWire(c.result),
    });
  }
  const out: RenderedOrder = { ...order };
  if (order.products || products.length > 0) out.products = products;
  if (order.shipping && outcome.shipping) {
    out.shipping = {
      ...order.shipping,
      redemptions_result: toRedemptionsResultWire(outcome.shipping),
    };
  }
  if (outcome.orderHasRedeem) out.redemptions_result = toRedemptionsResultWire(outcome.order);
  return out;
}
