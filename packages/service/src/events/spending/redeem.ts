import {
  computeRedemption,
  D,
  DomainError,
  ERROR_CODES,
  type ErrorCode,
  type Order,
  type RedeemItem,
  type RedemptionError,
  type RedemptionOutcome,
  type RenderedOrder,
  renderRedemptions,
  toWireNumber,
} from "@tally/core";
import type { Database } from "@tally/db";
import type Decimal from "decimal.js";
import type { Insertable, Transaction } from "kysely";
import type { Catalog } from "../../catalog/index.ts";
import type { CustomerRow } from "../../customers/index.ts";
import { customerFacts, type EventPayload, eventFacts, newId } from "../../kernel/index.ts";
import {
  balancesOf,
  type Draw,
  type LineRow,
  loadOpenLots,
  toLineView,
} from "../../ledger/index.ts";
import { redeemableRewards, redeemIdsOf } from "../preview.ts";

type Trx = Transaction<Database>;

/** What an event's redeem arrays do once checked against the locked wallet. */
export interface EventRedemption {
  outcome: RedemptionOutcome;
  /** The wallet's open lots of the rewards redeemed, in spending order (live holds netted). */
  lots: LineRow[];
  /** The order as charged (discounted values after redemption): what earning and metrics see. */
  chargedOrder: Order | null;
  /** The order echoed with its `redemptions_result`s: what the event stores as `data.order`. */
  renderedOrder: RenderedOrder | null;
}

/**
 * Whether the payload carries a redeem array anywhere (order, products, shipping or top level),
 * even an empty one: then the event records the order with its redemptions_result, as preview
 * shows it.
 */
export function hasRedeem(payload: RedeemCarrier): boolean {
  return redeemArraysOf(payload).some(Array.isArray);
}

type RedeemCarrier = { order?: Order | null; redeem?: unknown[] | null };

/** The event's redeem arrays, absent ones included: top level, order, shipping, each product. */
export function redeemArraysOf(payload: RedeemCarrier): (unknown[] | null | undefined)[] {
  const o = payload.order;
  return [
    payload.redeem,
    o?.redeem,
    o?.shipping?.redeem,
    ...(o?.products ?? []).map((p) => p.redeem),
  ];
}

/**
 * A commit's failing items → one 422 listing each (docs/api-decisions.md#redemption-in-events: all or nothing). The code is
 * the items' own code when they all share one the API knows (INSUFFICIENT_BALANCE,
 * CONDITION_NOT_MET), else REDEMPTION_FAILED.
 */
export function redemptionFailed(errors: RedemptionError[]): DomainError {
  const codes = [...new Set(errors.map((e) => e.code))];
  const only = codes.length === 1 ? codes[0] : undefined;
  const code: ErrorCode =
    only && only in ERROR_CODES && only !== "VALIDATION_FAILED"
      ? (only as ErrorCode)
      : "REDEMPTION_FAILED";
  const list = errors.map(
    (e) =>
      `${e.path}: ${e.code} (reward ${e.reward_id})${e.requirement ? ` — ${e.requirement}` : ""}`,
  );
  return new DomainError(code, `${list.join("; ")}; nothing was processed`);
}

/** The order with every entity's discounted_value set to what is charged for it. */
function chargedOrderOf(order: Order, outcome: RedemptionOutcome): Order {
  const n = toWireNumber;
  const lines = outcome.lines;
  const products = (order.products ?? []).map((p, i) => ({
    ...p,
    discounted_value: n(lines[i]?.charged ?? 0),
  }));
  for (const [k, c] of outcome.created.entries()) {
    const charged = lines[(order.products ?? []).length + k]?.charged ?? c.value;
    products.push({
      sku: c.sku,
      amount: n(c.amount),
      value: n(c.value),
      discounted_value: n(charged),
    });
  }
  return {
    ...order,
    ...(order.products || products.length > 0 ? { products } : {}),
    ...(order.shipping
      ? { shipping: { ...order.shipping, discounted_value: n(outcome.shipping_value) } }
      : {}),
    discounted_value: n(outcome.charged.minus(outcome.shipping_value)),
  };
}

/**
 * Checks an event's redemptions against the wallet (locked by the caller); any failing item →
 * 422, nothing written. Balances are the open lots net of their live holds (the same balances
 * preview reads); `held` adds back units the event itself holds (fulfilling a PENDING event
 * spends its own holds).
 */
export async function checkRedemption(
  trx: Trx,
  opts: {
    accountId: string;
    customer: CustomerRow;
    walletId: string;
    catalog: Catalog;
    payload: EventPayload;
    now: Date;
    held?: Map<string, Decimal>;
  },
): Promise<EventRedemption> {
  const { accountId, customer, catalog, payload, now } = opts;
  const order = payload.order ?? null;
  const direct = (payload.redeem ?? []) as RedeemItem[];
  const ids = [...new Set([...(order ? redeemIdsOf(order) : []), ...direct.map((i) => i.id)])];
  const lots = await loadOpenLots(trx, {
    accountId,
    walletId: opts.walletId,
    rewardIds: ids.filter((id) => catalog.rewards.has(id)),
    now,
  });
  const balances = balancesOf(lots, now);
  for (const [rewardId, units] of opts.held ?? []) {
    balances.set(rewardId, (balances.get(rewardId) ?? new D(0)).plus(units));
  }
  const outcome = computeRedemption({
    order: order ?? {},
    redeem: direct,
    brandId: payload.brand_id,
    rewards: redeemableRewards(catalog, ids),
    balances,
    customer: customerFacts(customer),
    now,
    event: eventFacts({ ...payload, type: payload.type }, now),
  });
  if (outcome.errors.length > 0) throw redemptionFailed(outcome.errors);
  return {
    outcome,
    lots,
    chargedOrder: order ? chargedOrderOf(order, outcome) : null,
    renderedOrder: order ? renderRedemptions(order, outcome) : null,
  };
}

/** REDEMPTION transactions (negative amounts, one per lot drawn) and the lots as the result shows them. */
export function redemptionRecords(opts: {
  accountId: string;
  walletId: string;
  customer: CustomerRow;
  catalog: Catalog;
  eventId: string;
  payload: EventPayload;
  draws: Draw[];
  issuedAt: Date;
  now: Date;
}) {
  const order = opts.payload.order ?? null;
  return opts.draws.map((d) => {
    const line = toLineView(d.line, d.amount.toString());
    const transaction: Insertable<Database["transactions"]> = {
      account_id: opts.accountId,
      id: newId(),
      wallet_id: opts.walletId,
      customer_uuid: opts.customer.uuid,
      reward_id: d.line.reward_id,
      line_id: d.line.id,
      event_id: opts.eventId,
      campaign_id: d.line.campaign_id,
      reverses_id: null,
      brand_id: opts.payload.brand_id,
      channel_id: order?.channel_id ?? null,
      store_id: order?.store_id ?? null,
      funded_by: d.line.funded_by,
      event_type: opts.payload.type,
      reward_type: opts.catalog.rewards.get(d.line.reward_id)?.type ?? "POINTS",
      type: "REDEMPTION",
      amount: d.amount.neg().toString(),
      cost: "0",
      details: `Redeemed in event ${opts.eventId}`,
      receiver_id: null,
      sender_id: null,
      migration_key: null,
      issued_at: opts.issuedAt,
      created_at: opts.now,
      attributes: { line },
      metadata: opts.payload.metadata ?? {},
    };
    return { line, transaction };
  });
}
