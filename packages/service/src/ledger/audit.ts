import type { Db } from "@tally/db";
import { sql } from "kysely";

/** Where the ledger does not add up: a customer's reward, or one lot. */
export type LedgerMismatch =
  | {
      kind: "reward";
      account_id: string;
      customer_uuid: string;
      reward_id: string;
      /** Σ the transactions of the customer's reward. */
      ledger: string;
      /** Σ the remaining units of its lots. */
      lines: string;
    }
  | {
      kind: "lot";
      account_id: string;
      customer_uuid: string;
      reward_id: string;
      line_id: string;
      /** Σ the transactions naming the lot. */
      ledger: string;
      remaining: string;
      reserved: string;
      /** Σ the lot's HELD reservations. */
      held: string;
    };

/**
 * The ledger invariant: per customer and reward, the sum of
 * transaction amounts equals the sum of remaining line amounts; and per lot, its
 * remaining equals the sum of the transactions naming it (unless a migrated history,
 * which names no lot, replaced them) and is never below 0, and its reserved equals its
 * HELD reservations and never exceeds what remains. Returns every
 * reward and lot where it does not hold (empty = healthy): the rewards, then the lots, each
 * in account, customer, reward (and lot) order; with `accountId`, that account's alone,
 * reading only its rows.
 */
export async function auditLedger(db: Db, accountId?: string): Promise<LedgerMismatch[]> {
  const q = auditQueries(accountId);
  const rewards = await q.rewards.execute(db);
  const lots = await q.lots.execute(db);
  return [...rewards.rows, ...lots.rows];
}

/**
 * auditLedger's two statements. Every check joins per-key sums (each one pass over its
 * table), so the audit grows linearly with the ledger. (A correlated `not exists` for the
 * migrated history, inside the OR, ran once per lot over the account's transactions once
 * that history outgrew work_mem: quadratic.) Every scan names the account itself rather
 * than leaving the planner to carry it through the joins.
 */
export function auditQueries(accountId?: string) {
  const mine = (alias: string) =>
    accountId ? sql`${sql.ref(`${alias}.account_id`)} = ${accountId}` : sql`true`;
  const rewards = sql<LedgerMismatch>`
    with t as (
      select account_id, wallet_id, reward_id, sum(amount) as total from transactions x
      where ${mine("x")} group by 1, 2, 3
    ), l as (
      select account_id, wallet_id, reward_id, sum(remaining) as total from wallet_lines x
      where ${mine("x")} group by 1, 2, 3
    )
    select 'reward' as kind, w.account_id, w.customer_uuid, coalesce(t.reward_id, l.reward_id) as reward_id,
           coalesce(t.total, 0)::text as ledger, coalesce(l.total, 0)::text as lines
    from t full join l on t.account_id = l.account_id and t.wallet_id = l.wallet_id and t.reward_id = l.reward_id
    join wallets w on w.account_id = coalesce(t.account_id, l.account_id) and w.id = coalesce(t.wallet_id, l.wallet_id)
    where coalesce(t.total, 0) <> coalesce(l.total, 0) and ${mine("w")}
    order by 2, 3, 4
  `;
  const lots = sql<LedgerMismatch>`
    with t as (
      select account_id, line_id, sum(amount) as total from transactions x
      where line_id is not null and ${mine("x")} group by 1, 2
    ), h as (
      select account_id, line_id, sum(amount) as total from reservations x
      where status = 'HELD' and ${mine("x")} group by 1, 2
    ), migrated as (
      -- A migrated history is not attributed to lots (its rows name none): there the
      -- customer's reward adds up as a whole, checked above.
      select distinct account_id, wallet_id, reward_id from transactions x
      where line_id is null and ${mine("x")}
    )
    select 'lot' as kind, l.account_id, w.customer_uuid, l.reward_id, l.id as line_id,
           coalesce(t.total, 0)::text as ledger, l.remaining::text as remaining,
           l.reserved::text as reserved, coalesce(h.total, 0)::text as held
    from wallet_lines l
    join wallets w on w.account_id = l.account_id and w.id = l.wallet_id
    left join t on t.account_id = l.account_id and t.line_id = l.id
    left join h on h.account_id = l.account_id and h.line_id = l.id
    left join migrated m
      on m.account_id = l.account_id and m.wallet_id = l.wallet_id and m.reward_id = l.reward_id
    where (l.remaining < 0 or l.reserved <> coalesce(h.total, 0) or l.reserved > l.remaining
       or (l.remaining <> coalesce(t.total, 0) and m.account_id is null))
      and ${mine("l")} and ${mine("w")}
    order by 2, 3, 4, 5
  `;
  return { rewards, lots };
}
