import { DomainError } from "@tally/core";
import type { Database } from "@tally/db";
import type { TMigrateEvent } from "@tally/schemas";
import type { Transaction } from "kysely";
import { assertOutlets, loadCatalog } from "../catalog/index.ts";
import { lockCustomer } from "../customers/index.ts";
import { processEvent } from "../events/index.ts";
import { eventKeys } from "./keys.ts";
import type { ItemContext, ItemOutcome } from "./shared.ts";

type Trx = Transaction<Database>;

/**
 * Applies one customer's historic events under its wallet lock: each event not
 * migrated before is processed with source MIGRATION — stored RESOLVED, never
 * run through campaigns, but moving metrics and tier — and keyed by its
 * migration key; an event already migrated (or repeated in the item) is skipped.
 */
export async function applyEventsItem(
  trx: Trx,
  ctx: ItemContext,
  item: { id: string; events: TMigrateEvent[] },
): Promise<ItemOutcome> {
  const locked = await lockCustomer(trx, ctx.accountId, item.id);
  const catalog = await loadCatalog(trx, ctx.accountId, locked.catalogVersion);
  const keys = eventKeys(item.id, item.events);
  const rows = await trx
    .selectFrom("events")
    .select("migration_key")
    .where("account_id", "=", ctx.accountId)
    .where("migration_key", "in", keys)
    .execute();
  const done = new Set(rows.map((r) => r.migration_key!));
  let customer = locked.customer;
  let duplicates = 0;
  for (const [j, event] of item.events.entries()) {
    const key = keys[j]!;
    if (done.has(key)) {
      duplicates += 1;
      continue;
    }
    done.add(key);
    const brandId = event.brand_id ?? null;
    if (brandId && !catalog.brands.has(brandId))
      throw new DomainError(
        "NOT_FOUND",
        `events[${j}].brand_id: brand ${JSON.stringify(brandId)} not found`,
      );
    const issuedAt = new Date(event.issued_at);
    const order = {
      ...event.order,
      channel_id: event.order.channel_id ?? event.channel_id ?? null,
      store_id: event.order.store_id ?? event.store_id ?? null,
    };
    assertOutlets(catalog, order, `events[${j}].`);
    const processed = await processEvent(trx, {
      accountId: ctx.accountId,
      customer,
      walletId: locked.walletId,
      catalog,
      now: ctx.now,
      source: "MIGRATION",
      issuedAt,
      purchaseId: order.purchase_id ?? null,
      payload: {
        customer_id: item.id,
        brand_id: brandId,
        type: event.type,
        order,
        fulfilled: true,
        issued_at: issuedAt.toISOString(),
      },
    });
    await trx
      .updateTable("events")
      .set({ migration_key: key, resolved_at: new Date(event.resolved_at ?? event.issued_at) })
      .where("account_id", "=", ctx.accountId)
      .where("id", "=", processed.event.id)
      .execute();
    customer = processed.customer;
  }
  return { records: item.events.length, duplicates };
}
