import type Decimal from "decimal.js";
import type { Conditions, RewardFacts } from "../types.ts";

/** What a client is told to do with an entity of its order. */
export type RedemptionAction = "UPDATE" | "READ" | "CREATE" | "REMOVE";

/** A reward as redemption needs it: its facts, its conditions and the wire object to embed. */
export interface RedeemableReward extends RewardFacts {
  conditions: Conditions;
  /** The wire Reward echoed in `redeemed[].reward`. */
  view: unknown;
}

/** One `redeem` item's outcome; `amount` is the units actually consumed (0 on error). */
export interface RedeemedEntry {
  id: string;
  amount: Decimal;
  /** The reward's wire view; null when the reward does not exist. */
  reward: unknown;
  /** UPPER_SNAKE code when the item was not applied. */
  error?: string;
  /** (extension) What a failing reward condition requires. */
  requirement?: string;
}

/** The `redemptions_result` of one entity (order, product line or shipping), as exact decimals. */
export interface EntityResult {
  redeemed: RedeemedEntry[];
  /** Units consumed on this entity in total. */
  amount: Decimal;
  /** Money removed from the original value, 2 dp. */
  discount_value: Decimal;
  /** discount_value / original value, 4 dp; 0 when the original value is 0. */
  discount_percent: Decimal;
  /** The entity's new value, 2 dp. */
  value: Decimal;
  action: RedemptionAction;
}

/** A product line appended by a PRODUCT reward (ADD, or the new side of a REPLACE). */
export interface CreatedProduct {
  sku: string;
  amount: Decimal;
  value: Decimal;
  reward_id: string;
  /** Index in `order.products` of the line it replaces (REPLACE only). */
  replaces: number | null;
  result: EntityResult;
}

/**
 * What one line of the final order is charged. `index` counts the request's lines first, then
 * the created ones. `order_discount` is the line's share of the order-level discounts (largest
 * remainder); `charged` = value − order_discount, and 0 for a removed line.
 */
export interface LineCharge {
  index: number;
  action: RedemptionAction;
  /** Value after the line's own redemptions, 2 dp. */
  value: Decimal;
  order_discount: Decimal;
  charged: Decimal;
}

/** An item that could not be applied, with where it sits in the request. */
export interface RedemptionError {
  /** E.g. "order.products[1].redeem[0]". */
  path: string;
  reward_id: string;
  code: string;
  requirement?: string;
}

/** Everything `computeRedemption` decides; preview renders it, commit records it. */
export interface RedemptionOutcome {
  /** Per request line: its result when it carried a redeem array or was removed, else null. */
  products: (EntityResult | null)[];
  created: CreatedProduct[];
  /** Shipping's result when shipping carried a redeem array, else null. */
  shipping: EntityResult | null;
  /** The order's result, always computed: `value` is the amount to charge. */
  order: EntityResult;
  /** The order carried a redeem array (so its result belongs on the wire). */
  orderHasRedeem: boolean;
  lines: LineCharge[];
  /** Total of the order-level discounts (split over `lines`). */
  order_discount: Decimal;
  /** Shipping value after its own redemptions (0 without shipping). */
  shipping_value: Decimal;
  /** The amount to charge; equals `order.value`. */
  charged: Decimal;
  /** Results of the event's top-level `redeem` items, in request order. */
  direct: RedeemedEntry[];
  /** Units to consume per reward, in order of first use. */
  draws: { reward_id: string; amount: Decimal }[];
  errors: RedemptionError[];
}
