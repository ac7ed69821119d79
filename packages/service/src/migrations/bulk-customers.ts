import { DomainError, emptyMetrics } from "@tally/core";
import { type Database, json } from "@tally/db";
import type { TMigrateCustomer } from "@tally/schemas";
import { type Insertable, sql, type Transaction } from "kysely";
import {
  type BulkColumn,
  insertRows,
  LINE_COLUMNS,
  newId,
  TRANSACTION_COLUMNS,
} from "../kernel/index.ts";
import { applyCustomerItem, balanceRows, mergeMetrics, profileOf } from "./apply-customers.ts";
import { type AppliedItem, failed } from "./apply-item.ts";
import { balanceKeys } from "./keys.ts";
import { checkRewards, type ItemContext } from "./shared.ts";

type Trx = Transaction<Database>;

/** Thrown when a batch is better left to the per-item path (the caller falls back to it). */
export class BulkNotApplicable extends Error {}

const CUSTOMER_COLUMNS: BulkColumn[] = [
  ["account_id", "uuid"],
  ["uuid", "uuid"],
  ["id", "text"],
  ["name", "text"],
  ["email", "text"],
  ["gender", "text"],
  ["dob", "timestamptz"],
  ["document_type", "text"],
  ["document_number", "text"],
  ["country", "text"],
  ["registration_date", "timestamptz"],
  ["tier_id", "uuid"],
  ["metrics", "jsonb"],
  ["created_at", "timestamptz"],
  ["updated_at", "timestamptz"],
];

const EMAIL_TAKEN = "email: another customer of this account has this email";

/**
 * The customers migration of many items (distinct ids) in the caller's transaction. New
 * customers go in set-wise (customers, wallets, lots, MIGRATION transactions: one statement
 * each), decided by the per-item path's own balanceRows; customers that already exist are
 * upserted by the per-item function itself, each under a savepoint so a failing one is
 * undone alone. Throws BulkNotApplicable for a batch the per-item path must decide (two
 * items with one email).
 */
export async function applyCustomersBatch(
  trx: Trx,
  ctx: ItemContext,
  items: TMigrateCustomer[],
): Promise<AppliedItem[]> {
  const { accountId, now } = ctx;
  const emails = items.flatMap((i) => (i.email ? [i.email] : []));
  if (new Set(emails.map((e) => e.toLowerCase())).size !== emails.length)
    throw new BulkNotApplicable("two customers of the batch share an email");
  const rewardIds = [...new Set(items.flatMap((i) => (i.balance ?? []).map((b) => b.reward_id)))];
  const [taken, rewardRows, tier] = await Promise.all([
    emails.length === 0
      ? { rows: [] }
      : sql<{ email: string; id: string }>`select x as email, c.id
      from unnest(${emails}::text[]) x
      join customers c on c.account_id = ${accountId} and lower(c.email) = lower(x)`.execute(trx),
    sql<{ id: string; type: string }>`select id, type from rewards
      where account_id = ${accountId} and id = any(${rewardIds}::uuid[])`.execute(trx),
    trx
      .selectFrom("tiers")
      .select("id")
      .where("account_id", "=", accountId)
      .orderBy("level")
      .limit(1)
      .executeTakeFirstOrThrow(),
  ]);
  const holder = new Map(taken.rows.map((r) => [r.email, r.id]));
  // An email held by another customer of this batch whose row changes its email may be handed
  // over (released, then taken): only the per-item path, in file order, decides that right.
  const byId = new Map(items.map((i) => [i.id, i]));
  const handover = items.some((i) => {
    const owner = i.email ? holder.get(i.email) : undefined;
    const release = owner !== undefined && owner !== i.id ? byId.get(owner) : undefined;
    return release !== undefined && release.email !== undefined;
  });
  if (handover) throw new BulkNotApplicable("an email changes hands within the batch");
  const rewards = new Map(rewardRows.rows.map((r) => [r.id, r]));

  // The per-item path's refusals, in its order: the email first, then the rewards.
  const applied: (AppliedItem | undefined)[] = items.map((item) => {
    const owner = item.email ? holder.get(item.email) : undefined;
    try {
      if (owner !== undefined && owner !== item.id) throw new DomainError("CONFLICT", EMAIL_TAKEN);
      const entries = item.balance ?? [];
      if (entries.length > 0) checkRewards(rewards, entries, "balance");
      return undefined;
    } catch (error) {
      return failed(error);
    }
  });
  const fresh = items.flatMap((item, i) =>
    applied[i] === undefined ? [{ item, uuid: newId(), i }] : [],
  );
  // Customers that exist already are not inserted (and are upserted below, item by item).
  const empty = emptyMetrics(now); // mergeMetrics copies it: one per batch serves every customer
  const created = await insertRows<{ id: string }>(
    trx,
    "customers",
    CUSTOMER_COLUMNS,
    fresh.map(({ item, uuid }) => ({
      ...profileOf(item),
      account_id: accountId,
      uuid,
      id: item.id,
      registration_date: item.registration_date ?? now,
      tier_id: tier.id,
      metrics: json(mergeMetrics(empty, item.metrics, now)),
      created_at: now,
      updated_at: now,
    })),
    sql`on conflict (account_id, id) do nothing returning id`,
  );
  const createdIds = new Set(created.map((r) => r.id));
  const mine = fresh.filter((f) => createdIds.has(f.item.id));
  const walletIds = mine.map(() => newId());
  await insertRows(
    trx,
    "wallets",
    [
      ["account_id", "uuid"],
      ["id", "uuid"],
      ["customer_uuid", "uuid"],
    ],
    mine.map((f, j) => ({ account_id: accountId, id: walletIds[j], customer_uuid: f.uuid })),
  );
  // A new customer has no ledger rows, and migration keys are unique per customer, so none
  // of its keys can exist: no lookup.
  const keys = mine.map((f) => balanceKeys(f.item.id, f.item.balance ?? []));
  const lines: Insertable<Database["wallet_lines"]>[] = [];
  const transactions: Insertable<Database["transactions"]>[] = [];
  mine.forEach((f, j) => {
    const entries = f.item.balance ?? [];
    const rows = balanceRows({
      ctx,
      walletId: walletIds[j]!,
      customerUuid: f.uuid,
      registrationDate: new Date(f.item.registration_date ?? now),
      entries,
      keys: keys[j]!,
      existing: new Map(),
      rewards,
    });
    lines.push(...rows.lines);
    transactions.push(...rows.transactions);
    applied[f.i] = { ok: true, records: entries.length, duplicates: 0 };
  });

  // Existing customers (and any created meanwhile by someone else): the per-item upsert.
  for (const [i, item] of items.entries()) {
    if (applied[i] !== undefined) continue;
    await sql`savepoint migrate_item`.execute(trx);
    try {
      applied[i] = { ok: true, ...(await applyCustomerItem(trx, ctx, item)) };
      await sql`release savepoint migrate_item`.execute(trx);
    } catch (error) {
      await sql`rollback to savepoint migrate_item`.execute(trx);
      applied[i] = failed(error);
    }
  }
  await insertRows(trx, "wallet_lines", LINE_COLUMNS, lines);
  await insertRows(trx, "transactions", TRANSACTION_COLUMNS, transactions);
  return applied as AppliedItem[];
}
