import type { Db } from "@tally/db";
import { ZRewardInsertSchema } from "@tally/schemas";
import { createAccount, createReward } from "@tally/service";
import pg from "pg";

/** Customers by account: 40%, 30%, 20% and 10% of them, by `n % 10`. */
const SLOTS = [0, 0, 0, 0, 1, 1, 1, 2, 2, 3];
const ACCOUNTS = 4;

/**
 * Rows per customer. One in five (`(n / 10) % 5 = 0`) has a migrated history: a MIGRATION
 * lot with its opening transaction and the one replacing it, 20 history rows naming no lot,
 * then a lot earned since of the same reward and one of a second reward (24 transactions,
 * 3 lots). The others earned 4 lots, spent from two and let the third expire (7 transactions,
 * 4 lots); one in ten of those holds 5 units of its last lot for a pending event.
 */
const PER_FIVE = 24 + 4 * 7;

/**
 * The deliberately broken rows, by customer number, and the findings each must give: the
 * audit's result on the seeded data is exactly these 11 (see EXPECTED_FINDINGS).
 */
const BREAKS = `
  -- n=10 (regular): a lot's remaining raised: its reward and the lot.
  update wallet_lines set remaining = remaining + 5 where id = md5('l10:0')::uuid;
  -- n=15 (regular): 10 units moved between two lots: both lots, the reward adds up.
  update wallet_lines set remaining = remaining - 10 where id = md5('l15:0')::uuid;
  update wallet_lines set remaining = remaining + 10 where id = md5('l15:3')::uuid;
  -- n=8 (migrated): the same move between its lots of the migrated reward: no finding.
  update wallet_lines set remaining = remaining - 10 where id = md5('l8:0')::uuid;
  update wallet_lines set remaining = remaining + 10 where id = md5('l8:1')::uuid;
  -- n=7 (migrated): its lot of the other reward raised: that reward and that lot.
  update wallet_lines set remaining = remaining + 3 where id = md5('l7:2')::uuid;
  -- n=19 (regular): 4 units taken from an empty lot into another: both lots.
  update wallet_lines set remaining = -4 where id = md5('l19:2')::uuid;
  update wallet_lines set remaining = remaining + 4 where id = md5('l19:3')::uuid;
  -- n=60 (regular, holding): its hold released but the lot still reserved: the lot.
  update reservations set status = 'RELEASED' where id = md5('h60')::uuid;
  -- n=65 (regular, holding): more held than remains: the lot.
  update wallet_lines set reserved = remaining + 5 where id = md5('l65:3')::uuid;
  update reservations r set amount = l.reserved from wallet_lines l
   where r.id = md5('h65')::uuid and l.id = md5('l65:3')::uuid;
  -- n=9 (migrated): reserved with no hold: the lot, migrated history or not.
  update wallet_lines set reserved = 7 where id = md5('l9:0')::uuid;
`;
export const EXPECTED_FINDINGS = 11;

/** The amount of a regular customer's lot i. */
const AMOUNT = `(100 + (c.n * 7 + i * 13) % 50 + (c.n % 4) * 0.25)`;

const seedSql = (customers: number) => `
  create unlogged table bench_customers as
  select n, a.account_id, a.tier_id, a.r1, a.r2, (n / 10) % 5 = 0 as migrated,
         (n / 50) % 10 = 1 as holding, md5('c' || n)::uuid as uuid, md5('w' || n)::uuid as wallet_id
  from generate_series(0, ${customers - 1}) n
  join bench_accounts a on a.slot = ('{${SLOTS.join(",")}}'::int[])[n % 10 + 1];

  insert into customers (account_id, uuid, id, registration_date, tier_id)
  select account_id, uuid, 'c' || n, '2023-01-01', tier_id from bench_customers;
  insert into wallets (account_id, id, customer_uuid) select account_id, wallet_id, uuid from bench_customers;

  -- Regular customers: lots 0-3; lot 0 spent 30, lot 1 spent 20, lot 2 expired.
  insert into wallet_lines (account_id, id, wallet_id, reward_id, event_id, source, amount, remaining, reserved, issued_at, expiration_date)
  select c.account_id, md5('l' || c.n || ':' || i)::uuid, c.wallet_id, c.r1, md5('e' || c.n || ':' || i)::uuid,
         'ACCUMULATION', ${AMOUNT},
         case i when 0 then ${AMOUNT} - 30 when 1 then ${AMOUNT} - 20 when 2 then 0 else ${AMOUNT} end,
         case when i = 3 and c.holding then 5 else 0 end,
         timestamptz '2024-01-01' + (c.n % 300 + i * 10) * interval '1 day',
         timestamptz '2025-06-01' + (c.n % 300 + i * 10) * interval '1 day'
  from bench_customers c cross join generate_series(0, 3) i where not c.migrated;

  insert into transactions (account_id, id, wallet_id, customer_uuid, reward_id, line_id, event_id, reward_type, type, amount, issued_at, created_at)
  select c.account_id, md5('t' || c.n || ':' || k)::uuid, c.wallet_id, c.uuid, c.r1, md5('l' || c.n || ':' || i)::uuid,
         md5('e' || c.n || ':' || k)::uuid, 'POINTS',
         case when k < 4 then 'ACCUMULATION' when k < 6 then 'REDEMPTION' else 'EXPIRATION' end,
         case k when 4 then -30 when 5 then -20 when 6 then -${AMOUNT} else ${AMOUNT} end,
         timestamptz '2024-01-01' + (c.n % 300 + k * 10) * interval '1 day',
         timestamptz '2024-01-01' + (c.n % 300 + k * 10) * interval '1 day'
  from bench_customers c cross join generate_series(0, 6) k
  cross join lateral (select case k when 4 then 0 when 5 then 1 when 6 then 2 else k end as i) x
  where not c.migrated;

  insert into reservations (account_id, id, event_id, line_id, amount, status, expires_at)
  select account_id, md5('h' || n)::uuid, md5('p' || n)::uuid, md5('l' || n || ':3')::uuid, 5, 'HELD', timestamptz '2030-01-01'
  from bench_customers where holding and not migrated
  union all
  select account_id, md5('s' || n)::uuid, md5('e' || n || ':4')::uuid, md5('l' || n || ':0')::uuid, 30,
         case when n % 2 = 0 then 'SPENT' else 'RELEASED' end, timestamptz '2024-06-01'
  from bench_customers where n % 3 = 0 and not migrated;

  -- Migrated customers: history h(j) (every fifth row a redemption), opening balance B = Σ h.
  create unlogged table bench_history as
  select c.n, j, case when j % 5 = 4 then -3 else 5 + (c.n + j) % 20 end::numeric as amount
  from bench_customers c cross join generate_series(0, 19) j where c.migrated;
  create unlogged table bench_balance as select n, sum(amount) as b from bench_history group by n;

  insert into wallet_lines (account_id, id, wallet_id, reward_id, source, amount, remaining, issued_at)
  select c.account_id, md5('l' || c.n || ':' || i)::uuid, c.wallet_id, case when i = 2 then c.r2 else c.r1 end,
         case when i = 0 then 'MIGRATION' else 'ACCUMULATION' end, v, v, timestamptz '2024-01-01'
  from bench_customers c
  join bench_balance s on s.n = c.n
  cross join generate_series(0, 2) i
  cross join lateral (select case i when 0 then s.b when 1 then 10 else 15 end as v) x
  where c.migrated;

  insert into transactions (account_id, id, wallet_id, customer_uuid, reward_id, line_id, reverses_id, reward_type, type, amount, migration_key, issued_at)
  select c.account_id, md5('t' || c.n || ':' || k)::uuid, c.wallet_id, c.uuid, case when k = 3 then c.r2 else c.r1 end,
         case when k < 2 then md5('l' || c.n || ':0')::uuid when k = 2 then md5('l' || c.n || ':1')::uuid
              when k = 3 then md5('l' || c.n || ':2')::uuid end,
         case when k = 1 then md5('t' || c.n || ':0')::uuid end,
         'POINTS', case when k < 2 then 'MIGRATION' else 'ACCUMULATION' end,
         case k when 0 then s.b when 1 then -s.b when 2 then 10 else 15 end,
         case k when 0 then 'bal:' || c.n when 1 then 'rep:' || c.n end, timestamptz '2024-01-01'
  from bench_customers c
  join bench_balance s on s.n = c.n
  cross join generate_series(0, 3) k
  where c.migrated
  union all
  select c.account_id, md5('m' || c.n || ':' || h.j)::uuid, c.wallet_id, c.uuid, c.r1, null, null, 'POINTS',
         case when h.amount < 0 then 'REDEMPTION' else 'ACCUMULATION' end, h.amount,
         'txn:' || c.n || ':' || h.j, timestamptz '2022-01-01' + h.j * interval '10 days'
  from bench_customers c join bench_history h on h.n = c.n;

  drop table bench_customers, bench_history, bench_balance, bench_accounts;
  -- The database refuses the two broken states below; an audit is for when it did not.
  alter table wallet_lines drop constraint wallet_lines_remaining_check, drop constraint wallet_lines_check;
  ${BREAKS}
`;

/** Customers for about `transactions` transactions (52 per five customers). */
export const customersFor = (transactions: number) =>
  Math.max(100, Math.round((transactions * 5) / PER_FIVE / 10) * 10);

/**
 * Seeds ACCOUNTS accounts (two POINTS rewards each) and `customers` customers with their
 * wallets, lots, transactions and reservations, set-wise on the server; then ANALYZE.
 * Answers the account ids, largest first.
 */
export async function seedLedger(db: Db, url: string, customers: number): Promise<string[]> {
  const now = () => new Date();
  const accounts: { slot: number; id: string; tier: string; r1: string; r2: string }[] = [];
  for (let slot = 0; slot < ACCOUNTS; slot++) {
    const { id, baseTierId } = await createAccount(db, { name: `bench-audit-${slot}` });
    const reward = (name: string) =>
      createReward({ db, now }, id, ZRewardInsertSchema.parse({ name, type: "POINTS" }));
    const [r1, r2] = [await reward("Points"), await reward("Stars")];
    accounts.push({ slot, id, tier: baseTierId, r1: r1.id, r2: r2.id });
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(
      `create unlogged table bench_accounts as
       select * from unnest($1::int[], $2::uuid[], $3::uuid[], $4::uuid[], $5::uuid[])
         as a(slot, account_id, tier_id, r1, r2)`,
      [
        accounts.map((a) => a.slot),
        accounts.map((a) => a.id),
        accounts.map((a) => a.tier),
        accounts.map((a) => a.r1),
        accounts.map((a) => a.r2),
      ],
    );
    await client.query("begin");
    // No foreign-key checks while seeding (half the time): the rows reference what they
    // should by construction, and did with the checks on.
    await client.query("set local session_replication_role = replica");
    await client.query(seedSql(customers));
    await client.query("commit");
    await client.query("vacuum analyze");
  } finally {
    await client.end();
  }
  return accounts.map((a) => a.id);
}
