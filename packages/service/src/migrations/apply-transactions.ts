import { dec } from "@tally/core";
import type { Database } from "@tally/db";
import type { TMigrateTransaction } from "@tally/schemas";
import { sql, type Transaction } from "kysely";
import { lockCustomer } from "../customers/index.ts";
import { recordKeys } from "./keys.ts";
import {
  freshRecords,
  freshRewardIds,
  type ReconcileState,
  reconciledRows,
} from "./plan-transactions.ts";
import {
  existingTransactionKeys,
  type ItemContext,
  type ItemOutcome,
  rewardsOf,
} from "./shared.ts";

type Trx = Transaction<Database>;

/**
 * How migrated history enters the ledger (docs/api-decisions.md#ledger-invariant invariant: per customer and
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
): Promise<ReconcileState> {
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
  const existing = await existingTransactionKeys(trx, ctx.accountId, customer.uuid, keys);
  const { fresh, outcome } = freshRecords(item, keys, existing);
  if (fresh.length === 0) return outcome;
  const rewards = await rewardsOf(trx, ctx.accountId, item.transactions, "transactions");
  const rewardIds = freshRewardIds(fresh);
  const state = await reconcile(trx, ctx, { walletId, customerUuid: customer.uuid, rewardIds });
  const rows = reconciledRows({
    ctx,
    walletId,
    customerUuid: customer.uuid,
    fresh,
    rewards,
    state,
  });
  await trx.insertInto("transactions").values(rows).execute();
  return outcome;
}
