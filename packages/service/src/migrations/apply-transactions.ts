import { D, DomainError, dec } from "@tally/core";
import { type Database, json } from "@tally/db";
import type { TMigrateTransaction } from "@tally/schemas";
import { type Insertable, sql, type Transaction } from "kysely";
import { lockCustomer } from "../customers.ts";
import { newId } from "../deps.ts";
import { recordKeys, replacementKey } from "./keys.ts";
import {
  existingTransactionKeys,
  type ItemContext,
  type ItemOutcome,
  rewardsOf,
} from "./shared.ts";

type Trx = Transaction<Database>;
type Row = Insertable<Database["transactions"]>;

/**
 * How migrated history enters the ledger (decisions §6 invariant: per customer and
 * reward, Σ transactions = Σ remaining lots). The customers migration already put
 * the balance B in as MIGRATION lots with MIGRATION transactions (+B). The history
 * explains B, so it must not count a second time: for each reconciled reward we
 * append one negative MIGRATION row per opening transaction ("opening balance
 * replaced by the migrated history", reverses_id = the opening row) and then the
 * history rows with their original types, Σ = B. Net ledger change 0, lots
 * untouched, the invariant holds with no row excluded from it, the ledger stays
 * append-only, and a customer's transaction list still sums to its balance.
 * A reward with no migrated balance reconciles against 0 (history must net out).
 */
async function reconcile(
  trx: Trx,
  ctx: ItemContext,
  w: { walletId: string; customerUuid: string; rewardIds: string[] },
) {
  const [balances, openings, history] = await Promise.all([
    trx
      .selectFrom("wallet_lines")
      .select(["reward_id", sql<string>`sum(amount)::text`.as("total")])
      .where("account_id", "=", ctx.accountId)
      .where("wallet_id", "=", w.walletId)
      .where("source", "=", "MIGRATION")
      .where("reward_id", "in", w.rewardIds)
      .groupBy("reward_id")
      .execute(),
    trx
      .selectFrom("transactions")
      .selectAll()
      .where("account_id", "=", ctx.accountId)
      .where("customer_uuid", "=", w.customerUuid)
      .where("reward_id", "in", w.rewardIds)
      .where("type", "=", "MIGRATION")
      .where("migration_key", "like", "bal:%")
      .execute(),
    trx
      .selectFrom("transactions")
      .select("reward_id")
      .distinct()
      .where("account_id", "=", ctx.accountId)
      .where("customer_uuid", "=", w.customerUuid)
      .where("reward_id", "in", w.rewardIds)
      .where("migration_key", "like", "txn:%")
      .execute(),
  ]);
  return {
    balance: new Map(balances.map((b) => [b.reward_id, dec(b.total)])),
    openings,
    migrated: new Set(history.map((h) => h.reward_id)),
  };
}

function historyRow(
  base: { accountId: string; walletId: string; customerUuid: string; now: Date },
  t: TMigrateTransaction,
  key: string,
  rewardType: string,
): Row {
  return {
    account_id: base.accountId,
    id: newId(),
    wallet_id: base.walletId,
    customer_uuid: base.customerUuid,
    reward_id: t.reward_id,
    brand_id: t.brand_id ?? null,
    channel_id: t.channel_id ?? null,
    store_id: t.store_id ?? null,
    funded_by: t.funded_by ?? null,
    event_type: t.event?.type ?? null,
    reward_type: rewardType,
    type: t.type,
    amount: String(t.amount),
    cost: String(t.cost ?? 0),
    details: t.details ?? null,
    migration_key: key,
    issued_at: new Date(t.issued_at),
    created_at: base.now,
    attributes: json({
      migrated: true,
      resolved_at: t.resolved_at ?? null,
      event: t.event ?? null,
    }),
    metadata: json({}),
  };
}

/**
 * Applies one customer's ledger history at most once: transactions already
 * migrated are skipped (duplicates); the new ones must reconcile per reward with
 * the migrated balance, else the whole item fails with RECONCILIATION_MISMATCH
 * and nothing of this customer is written.
 */
export async function applyTransactionsItem(
  trx: Trx,
  ctx: ItemContext,
  item: { id: string; transactions: TMigrateTransaction[] },
): Promise<ItemOutcome> {
  const { customer, walletId } = await lockCustomer(trx, ctx.accountId, item.id);
  const keys = recordKeys("txn", item.id, item.transactions);
  const existing = await existingTransactionKeys(trx, ctx.accountId, keys);
  const fresh = item.transactions.flatMap((t, j) =>
    existing.has(keys[j]!) ? [] : [{ t, key: keys[j]! }],
  );
  const outcome = { records: item.transactions.length, duplicates: existing.size };
  if (fresh.length === 0) return outcome;
  const rewards = await rewardsOf(trx, ctx.accountId, item.transactions, "transactions");
  const rewardIds = [...new Set(fresh.map((f) => f.t.reward_id))];
  const state = await reconcile(trx, ctx, { walletId, customerUuid: customer.uuid, rewardIds });
  const problems: string[] = [];
  for (const rewardId of rewardIds) {
    const expected = state.balance.get(rewardId) ?? new D(0);
    const mine = fresh.filter((f) => f.t.reward_id === rewardId);
    const sum = mine.reduce((s, f) => s.plus(dec(f.t.amount)), new D(0));
    if (state.migrated.has(rewardId))
      problems.push(
        `reward ${rewardId}: its history was already migrated; ${mine.length} further transaction(s) would not reconcile`,
      );
    else if (!sum.eq(expected))
      problems.push(
        `reward ${rewardId}: migrated transactions sum to ${sum.toString()} but the migrated balance is ${expected.toString()}`,
      );
  }
  if (problems.length > 0) throw new DomainError("RECONCILIATION_MISMATCH", problems.join("; "));

  const base = { accountId: ctx.accountId, walletId, customerUuid: customer.uuid, now: ctx.now };
  const rows: Row[] = state.openings.map((o) => ({
    ...o,
    id: newId(),
    line_id: o.line_id,
    reverses_id: o.id,
    amount: dec(o.amount).neg().toString(),
    details: "Opening balance replaced by the migrated history",
    migration_key: replacementKey(o.migration_key!),
    created_at: ctx.now,
    attributes: json({ replaced_by_history: true }),
    metadata: json({}),
  }));
  for (const f of fresh) rows.push(historyRow(base, f.t, f.key, rewards.get(f.t.reward_id)!.type));
  await trx.insertInto("transactions").values(rows).execute();
  return outcome;
}
