import type Decimal from "decimal.js";
import { D } from "../decimal.ts";
import type { RedeemItem } from "../types.ts";
import { type Checked, failItem, type RedemptionState, spend } from "./items.ts";
import type { RedeemedEntry } from "./types.ts";

/** A product line while the order is being worked on (request lines first, then created ones). */
export interface WorkLine {
  index: number;
  sku: string | null;
  quantity: Decimal;
  /** Value before any redemption (2 dp). */
  original: Decimal;
  /** Value after the line's own redemptions so far (2 dp). */
  value: Decimal;
  redeemed: RedeemedEntry[];
  consumed: Decimal;
  /** The request line carried a redeem array. */
  hasRedeem: boolean;
  removed: boolean;
  /** Set on lines a PRODUCT reward appended. */
  createdBy: { reward_id: string; replaces: number | null } | null;
}

const ZERO = new D(0);

/** A line appended by a PRODUCT reward: one unit of the reward consumed per use. */
function createdLine(
  lines: WorkLine[],
  c: Checked,
  sku: string,
  line: { quantity: Decimal; value: Decimal; consumed: Decimal; replaces: number | null },
): WorkLine {
  return {
    index: lines.length,
    sku,
    quantity: line.quantity,
    original: line.value,
    value: line.value,
    redeemed: [{ id: c.reward.id, amount: line.consumed, reward: c.reward.view }],
    consumed: line.consumed,
    hasRedeem: false,
    removed: false,
    createdBy: { reward_id: c.reward.id, replaces: line.replaces },
  };
}

/**
 * Applies a PRODUCT reward at order level. ADD appends `units` of `sku` at value 0. REPLACE swaps
 * one live line whose sku is `replaces_sku` per unit: the old line is marked removed and the new
 * one takes its quantity and its value after line discounts (a like-for-like swap).
 */
export function applyProductItem(
  s: RedemptionState,
  c: Checked,
  item: RedeemItem,
  path: string,
  lines: WorkLine[],
): RedeemedEntry {
  const a = c.reward.attributes;
  const mode = String(a.mode ?? "").toUpperCase();
  const sku = typeof a.sku === "string" && a.sku !== "" ? a.sku : null;
  const fail = (code: string) => failItem(s, { path, item, code, reward: c.reward });
  if (!sku || (mode !== "ADD" && mode !== "REPLACE")) return fail("INVALID_REWARD");
  if (mode === "ADD") {
    if (!spend(s, c.reward.id, c.units)) return fail("INSUFFICIENT_BALANCE");
    lines.push(
      createdLine(lines, c, sku, {
        quantity: c.units,
        value: ZERO,
        consumed: c.units,
        replaces: null,
      }),
    );
    return { id: item.id, amount: c.units, reward: c.reward.view };
  }
  const replaces = a.replaces_sku;
  if (typeof replaces !== "string" || replaces === "") return fail("INVALID_REWARD");
  const count = c.units.toNumber();
  const targets = lines.filter((l) => !l.removed && l.sku === replaces).slice(0, count);
  if (targets.length < count) return fail("PRODUCT_NOT_IN_ORDER");
  if (!spend(s, c.reward.id, c.units)) return fail("INSUFFICIENT_BALANCE");
  for (const old of targets) {
    old.removed = true;
    lines.push(
      createdLine(lines, c, sku, {
        quantity: old.quantity,
        value: old.value,
        consumed: new D(1),
        replaces: old.index,
      }),
    );
  }
  return { id: item.id, amount: c.units, reward: c.reward.view };
}
