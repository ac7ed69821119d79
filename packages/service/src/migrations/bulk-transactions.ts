import { dec, notFound } from "@tally/core";
import type { Database } from "@tally/db";
import type { TMigrateTransaction } from "@tally/schemas";
import type Decimal from "decimal.js";
import { type Selectable, sql, type Transaction } from "kysely";
import { insertRows, TRANSACTION_COLUMNS } from "../kernel/index.ts";
import { type AppliedItem, failed } from "./apply-item.ts";
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
 * set-wise: one statement to lock the wallets (ascending id, the lock order of bulk
 * writers), then at once one each to read the customers' migrated ledger rows (history keys
 * and opening balances), the rewards and the migrated balances, and one to insert every row.
 * The reads go customer by customer through the indexes (unnest, lateral): planned as
 * one set, PostgreSQL would rather scan the account's whole ledger. Each customer is decided
 * by the per-item path's own functions (freshRecords, reconciledRows), so both paths write
 * the same ledger.
 */
export async function applyTransactionsBatch(
  trx: Trx,
  ctx: ItemContext,
  items: Item[],
): Promise<AppliedItem[]> {
  const { accountId } = ctx;
  const wallets = await sql<{ id: string; uuid: string; wallet_id: string }>`
    select c.id, c.uuid, w.id as wallet_id
    from unnest(${items.map((i) => i.id)}::text[]) as x(id)
    join customers c on c.account_id = ${accountId} and c.id = x.id
    join wallets w on w.account_id = ${accountId} and w.customer_uuid = c.uuid
    order by w.id for update of w, c`.execute(trx);
  const walletOf = new Map(wallets.rows.map((w) => [w.id, w]));
  const rewardIds = [...new Set(items.flatMap((i) => i.transactions.map((t) => t.reward_id)))];
  const [migratedRows, rewardRows, balances] = await Promise.all([
    sql<Selectable<Database["transactions"]>>`select t.*
      from unnest(${wallets.rows.map((w) => w.uuid)}::uuid[]) as u(uuid)
      cross join lateral (select * from transactions t
        where t.account_id = ${accountId} and t.customer_uuid = u.uuid
          and (t.migration_key like 'txn:%' or (t.type = 'MIGRATION' and t.migration_key like 'bal:%'))
      ) t`.execute(trx),
    sql<{ id: string; type: string }>`select id, type from rewards
      where account_id = ${accountId} and id = any(${rewardIds}::uuid[])`.execute(trx),
    sql<{ wallet_id: string; reward_id: string; total: string }>`
      select wallet_id, reward_id, sum(amount)::text as total from wallet_lines
      where account_id = ${accountId} and wallet_id = any(${wallets.rows.map((w) => w.wallet_id)}::uuid[])
        and source = 'MIGRATION'
      group by wallet_id, reward_id`.execute(trx),
  ]);
  // Migration keys are unique per customer: the customer's own ledger rows hold all of them.
  const history = migratedRows.rows.filter((r) => r.migration_key!.startsWith("txn:"));
  const migratedOf = groupBy(history, (m) => m.customer_uuid);
  const openingsOf = groupBy(
    migratedRows.rows.filter((r) => r.migration_key!.startsWith("bal:")),
    (o) => o.customer_uuid,
  );
  const rewards = new Map(rewardRows.rows.map((r) => [r.id, r]));
  const balanceOf = groupBy(balances.rows, (b) => b.wallet_id);
  const planned = items.map((item) => {
    const wallet = walletOf.get(item.id);
    const own = new Set((migratedOf.get(wallet?.uuid ?? "") ?? []).map((r) => r.migration_key!));
    return { wallet, ...freshRecords(item, recordKeys("txn", item.id, item.transactions), own) };
  });

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
  await insertRows(trx, "transactions", TRANSACTION_COLUMNS, rows);
  return applied;
}
