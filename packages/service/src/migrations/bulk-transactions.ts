import { dec, notFound } from "@tally/core";
import type { Database } from "@tally/db";
import type { TMigrateTransaction } from "@tally/schemas";
import type Decimal from "decimal.js";
import { type Selectable, sql, type Transaction } from "kysely";
import { type AppliedItem, failed } from "./apply-item.ts";
import { insertUnnest, TRANSACTION_COLUMNS } from "./bulk-sql.ts";
import { recordKeys } from "./keys.ts";
import {
  freshRecords,
  freshRewardIds,
  reconciledRows,
  type TransactionInsert,
} from "./plan-transactions.ts";
import { checkRewards, type ItemContext } from "./shared.ts";

type Trx = Transaction<Database>;
type Item = { id: string; transactions: TMigrateTransaction[] };

const groupBy = <T, K>(rows: T[], key: (r: T) => K) => {
  const out = new Map<K, T[]>();
  for (const r of rows) {
    const list = out.get(key(r));
    if (list) list.push(r);
    else out.set(key(r), [r]);
  }
  return out;
};

/**
 * The transactions migration of many customers (distinct ids) in the caller's transaction,
 * set-wise: one statement each to lock the wallets (ascending id, the lock order of bulk
 * writers), find the keys already migrated, read the rewards and the reconciliation state,
 * and insert every row. Each customer is decided by the per-item path's own functions
 * (freshRecords, reconciledRows), so both paths write the same ledger.
 */
export async function applyTransactionsBatch(
  trx: Trx,
  ctx: ItemContext,
  items: Item[],
): Promise<AppliedItem[]> {
  const { accountId } = ctx;
  const wallets = await sql<{ id: string; uuid: string; wallet_id: string }>`
    select c.id, c.uuid, w.id as wallet_id
    from wallets w join customers c on c.account_id = w.account_id and c.uuid = w.customer_uuid
    where w.account_id = ${accountId} and c.id = any(${items.map((i) => i.id)}::text[])
    order by w.id for update of w, c`.execute(trx);
  const walletOf = new Map(wallets.rows.map((w) => [w.id, w]));
  const uuids = wallets.rows.map((w) => w.uuid);
  const migrated = await sql<{ customer_uuid: string; reward_id: string }>`
    select distinct customer_uuid, reward_id from transactions
    where account_id = ${accountId} and customer_uuid = any(${uuids}::uuid[])
      and migration_key like 'txn:%'`.execute(trx);
  const migratedOf = groupBy(migrated.rows, (m) => m.customer_uuid);
  const keys = items.map((i) => recordKeys("txn", i.id, i.transactions));
  // Only a customer with migrated history can hold these keys (they name the customer): the
  // others need no lookup. (A key left by a customer since deleted would make the insert
  // violate the unique key, and the batch would be redone item by item.)
  const lookup = items.flatMap((item, i) =>
    migratedOf.has(walletOf.get(item.id)?.uuid ?? "") ? keys[i]! : [],
  );
  const rewardIds = [...new Set(items.flatMap((i) => i.transactions.map((t) => t.reward_id)))];
  const [existingRows, rewardRows] = await Promise.all([
    lookup.length === 0
      ? { rows: [] }
      : sql<{ migration_key: string }>`select migration_key from transactions
      where account_id = ${accountId} and migration_key = any(${lookup}::text[])`.execute(trx),
    sql<{ id: string; type: string }>`select id, type from rewards
      where account_id = ${accountId} and id = any(${rewardIds}::uuid[])`.execute(trx),
  ]);
  const existing = new Set(existingRows.rows.map((r) => r.migration_key));
  const rewards = new Map(rewardRows.rows.map((r) => [r.id, r]));

  const planned = items.map((item, i) => ({
    wallet: walletOf.get(item.id),
    ...freshRecords(item, keys[i]!, existing),
  }));
  const pending = planned.flatMap((p) => (p.wallet && p.fresh.length > 0 ? [p.wallet] : []));
  const [balances, openings] = await Promise.all([
    sql<{ wallet_id: string; reward_id: string; total: string }>`
      select wallet_id, reward_id, sum(amount)::text as total from wallet_lines
      where account_id = ${accountId} and wallet_id = any(${pending.map((w) => w.wallet_id)}::uuid[])
        and source = 'MIGRATION'
      group by wallet_id, reward_id`.execute(trx),
    sql<Selectable<Database["transactions"]>>`select * from transactions
      where account_id = ${accountId} and customer_uuid = any(${pending.map((w) => w.uuid)}::uuid[])
        and type = 'MIGRATION' and migration_key like 'bal:%'`.execute(trx),
  ]);
  const balanceOf = groupBy(balances.rows, (b) => b.wallet_id);
  const openingsOf = groupBy(openings.rows, (o) => o.customer_uuid);

  const rows: TransactionInsert[] = [];
  const applied = items.map((item, i): AppliedItem => {
    const p = planned[i]!;
    if (!p.wallet) return failed(notFound("customer", item.id));
    if (p.fresh.length === 0) return { ok: true, ...p.outcome };
    try {
      checkRewards(rewards, item.transactions, "transactions");
      const { uuid, wallet_id } = p.wallet;
      const wanted = new Set(freshRewardIds(p.fresh));
      const mine = reconciledRows({
        ctx,
        walletId: wallet_id,
        customerUuid: uuid,
        fresh: p.fresh,
        rewards,
        state: {
          balance: new Map<string, Decimal>(
            (balanceOf.get(wallet_id) ?? [])
              .filter((b) => wanted.has(b.reward_id))
              .map((b) => [b.reward_id, dec(b.total)]),
          ),
          openings: openingsOf.get(uuid) ?? [],
          migrated: new Set((migratedOf.get(uuid) ?? []).map((m) => m.reward_id)),
        },
      });
      rows.push(...mine);
      return { ok: true, ...p.outcome };
    } catch (error) {
      return failed(error);
    }
  });
  await insertUnnest(trx, "transactions", TRANSACTION_COLUMNS, rows);
  return applied;
}
