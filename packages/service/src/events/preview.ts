import {
  type CustomerFacts,
  computeRedemption,
  DomainError,
  dec,
  type Order,
  type RedeemableReward,
  type RedemptionOutcome,
  type RenderedOrder,
  renderRedemptions,
} from "@tally/core";
import type { TPreviewRequest } from "@tally/schemas";
import type Decimal from "decimal.js";
import { sql } from "kysely";
import { assertOutlets, type Catalog, loadCatalog, toRewardView } from "../catalog/index.ts";
import { type CustomerRow, findCustomerAndCatalogVersion } from "../customers/index.ts";
import type { Executor, ServiceDeps } from "../kernel/index.ts";
import { customerFacts, eventFacts, rewardFacts } from "../kernel/index.ts";
import { liveReservedOf } from "../ledger/index.ts";

/** Every reward id named by a redeem array of the order (products, shipping, order). */
export function redeemIdsOf(order: Order): string[] {
  const items = [
    ...(order.products ?? []).flatMap((p) => p.redeem ?? []),
    ...(order.shipping?.redeem ?? []),
    ...(order.redeem ?? []),
  ];
  return [...new Set(items.map((i) => i.id))];
}

/** Available units per reward of a customer: unexpired lots, remaining − live holds (no locks). */
export async function loadAvailableBalances(
  trx: Executor,
  opts: { accountId: string; customerUuid: string; rewardIds: string[]; now: Date },
): Promise<Map<string, Decimal>> {
  if (opts.rewardIds.length === 0) return new Map();
  const rows = await trx
    .selectFrom("wallet_lines as l")
    .innerJoin("wallets as w", (j) =>
      j.onRef("w.account_id", "=", "l.account_id").onRef("w.id", "=", "l.wallet_id"),
    )
    .select([
      "l.reward_id",
      // Net of live holds only, as spending counts them (see loadOpenLots).
      sql<string>`sum(l.remaining - ${liveReservedOf(opts.now)})`.as("available"),
    ])
    .where("l.account_id", "=", opts.accountId)
    .where("w.customer_uuid", "=", opts.customerUuid)
    .where("l.reward_id", "in", opts.rewardIds)
    .where("l.remaining", ">", "0")
    .where((eb) =>
      eb.or([eb("l.expiration_date", "is", null), eb("l.expiration_date", ">", opts.now)]),
    )
    .groupBy("l.reward_id")
    .execute();
  return new Map(rows.map((r) => [r.reward_id, dec(r.available)]));
}

/** The catalog's rewards among `ids`, as the engine redeems them (unknown ids are left out). */
export function redeemableRewards(catalog: Catalog, ids: string[]): Map<string, RedeemableReward> {
  const out = new Map<string, RedeemableReward>();
  for (const id of ids) {
    const row = catalog.rewards.get(id);
    if (!row) continue;
    out.set(id, {
      ...rewardFacts(row),
      conditions: (row.conditions as RedeemableReward["conditions"]) ?? [],
      view: toRewardView(row),
    });
  }
  return out;
}

/** Loads what a preview's redemption over `order` depends on and runs the engine. */
async function computeOrderRedemption(
  trx: Executor,
  opts: {
    accountId: string;
    customer: CustomerRow;
    catalogVersion: number;
    brandId: string;
    order: Order;
    /** What the event will carry beside its order, for reward conditions that read it. */
    platform: string | null | undefined;
    tags: Record<string, unknown> | null | undefined;
    now: Date;
  },
): Promise<RedemptionOutcome> {
  const { accountId, customer, brandId, order, now } = opts;
  const catalog = await loadCatalog(trx, accountId, opts.catalogVersion);
  if (!catalog.brands.has(brandId)) {
    throw new DomainError("NOT_FOUND", `brand_id: brand ${JSON.stringify(brandId)} not found`);
  }
  if (order) assertOutlets(catalog, order, "order.");
  const ids = redeemIdsOf(order);
  const balances = await loadAvailableBalances(trx, {
    accountId,
    customerUuid: customer.uuid,
    rewardIds: ids.filter((id) => catalog.rewards.has(id)),
    now,
  });
  const facts: CustomerFacts = customerFacts(customer);
  return computeRedemption({
    order,
    brandId,
    rewards: redeemableRewards(catalog, ids),
    balances,
    customer: facts,
    now,
    event: eventFacts(
      {
        customer_id: customer.id,
        brand_id: brandId,
        type: "PURCHASE",
        order,
        platform: opts.platform,
        tags: opts.tags,
      },
      now,
    ),
  });
}

/**
 * PUT /events/redeem/preview: the order echoed with `redemptions_result` where it carried redeem
 * arrays (docs/api-decisions.md#preview). Read-only: nothing is locked, reserved or written. Its two reads (the
 * customer with the catalog version, then the balances) run outside a transaction: a preview is
 * advisory, and an event committed between them is one the preview could as well have followed.
 */
export async function previewRedemption(
  deps: ServiceDeps,
  accountId: string,
  input: TPreviewRequest,
): Promise<{ customer_id: string; brand_id: string; order: RenderedOrder }> {
  const now = deps.now();
  const found = await findCustomerAndCatalogVersion(deps.db, accountId, input.customer_id);
  const outcome = await computeOrderRedemption(deps.db, {
    accountId,
    customer: found.customer,
    catalogVersion: found.catalogVersion,
    brandId: input.brand_id,
    order: input.order,
    platform: input.platform,
    tags: input.tags,
    now,
  });
  return {
    customer_id: input.customer_id,
    brand_id: input.brand_id,
    order: renderRedemptions(input.order, outcome),
  };
}
