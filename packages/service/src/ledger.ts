import type { Db } from "@tally/db";
import { sql } from "kysely";

export interface LedgerMismatch {
  account_id: string;
  customer_uuid: string;
  reward_id: string;
  ledger: string;
  lines: string;
}

/**
 * The ledger invariant of decisions §6: per customer and reward, the sum of
 * transaction amounts equals the sum of remaining line amounts. Returns every
 * pair where it does not hold (empty = healthy).
 */
export async function auditLedger(db: Db, accountId?: string): Promise<LedgerMismatch[]> {
  const accountFilter = accountId ? sql`and w.account_id = ${accountId}` : sql``;
  const r = await sql<LedgerMismatch>`
    with t as (
      select account_id, wallet_id, reward_id, sum(amount) as total from transactions group by 1, 2, 3
    ), l as (
      select account_id, wallet_id, reward_id, sum(remaining) as total from wallet_lines group by 1, 2, 3
    )
    select w.account_id, w.customer_uuid, coalesce(t.reward_id, l.reward_id) as reward_id,
           coalesce(t.total, 0)::text as ledger, coalesce(l.total, 0)::text as lines
    from t full join l on t.account_id = l.account_id and t.wallet_id = l.wallet_id and t.reward_id = l.reward_id
    join wallets w on w.account_id = coalesce(t.account_id, l.account_id) and w.id = coalesce(t.wallet_id, l.wallet_id)
    where coalesce(t.total, 0) <> coalesce(l.total, 0) ${accountFilter}
  `.execute(db);
  return r.rows;
}
