/**
 * The statements of the COPY path (copy-transactions.ts). A customer's own rows are read
 * customer by customer through the indexes (`lateral … offset 0`, which the planner may not
 * flatten): flattened, PostgreSQL may plan them as one scan of the account's whole ledger per
 * batch, which at 1M rows cost more than the import itself. Temporary tables of the session,
 * emptied at every commit: the staged records of the batch, and the history keys its
 * customers already hold. Created once per connection (a rolled-back batch takes them with it
 * when it created them; the next batch creates them again).
 */
export const CREATE_STAGING = `
create temp table if not exists import_staging (
  item int not null,
  j int not null,
  reward_id uuid not null,
  type text not null,
  amount numeric not null,
  cost numeric not null,
  issued_at timestamptz not null,
  resolved_at text,
  brand_id text,
  channel_id text,
  store_id text,
  funded_by text,
  details text,
  event jsonb,
  migration_key text not null,
  dup boolean not null default false
) on commit delete rows;
create temp table if not exists import_migrated (
  item int not null,
  migration_key text not null,
  reward_id uuid not null
) on commit delete rows`;

export const COPY_STAGING = `copy import_staging (item, j, reward_id, type, amount, cost, issued_at,
  resolved_at, brand_id, channel_id, store_id, funded_by, details, event, migration_key) from stdin`;

/** $1 account, $2 the batch's customer ids (item i at i + 1): their wallets, locked in wallet order. */
export const LOCK_WALLETS = `
select x.item::int as item, c.uuid, w.id as wallet_id
from unnest($2::text[]) with ordinality as x(id, item)
join customers c on c.account_id = $1 and c.id = x.id
join wallets w on w.account_id = $1 and w.customer_uuid = c.uuid
order by w.id for update of w, c`;

/**
 * $1 account, $2 items, $3 their customers' uuids: the history keys the customers hold
 * (customer by customer through the index, as the per-item path reads them), and the staged
 * records they make duplicates.
 */
export const MARK_DUPLICATES = `
with held as (
  insert into import_migrated (item, migration_key, reward_id)
  select u.item, t.migration_key, t.reward_id
  from unnest($2::int[], $3::uuid[]) as u(item, uuid)
  cross join lateral (select migration_key, reward_id from transactions t
    where t.account_id = $1 and t.customer_uuid = u.uuid and t.migration_key like 'txn:%'
    offset 0) t
  returning item, migration_key
)
update import_staging s set dup = true from held h
where h.item = s.item and h.migration_key = s.migration_key`;

/**
 * $1 account, $2 items, $3 their wallets. One row per thing an item must be told, of kind:
 * `dups` (its duplicate records), `reward` (the first record, `j`, whose reward the account
 * lacks) or `mismatch` (a reward of its fresh records, first met at `j`: their count and sum,
 * the migrated balance, whether its history was migrated before; only rewards that do not
 * reconcile, worded by the caller with the per-item path's own function).
 */
export const DECIDE = `
with w as (select * from unnest($2::int[], $3::uuid[]) as w(item, wallet_id)),
fresh as (
  select item, reward_id, count(*)::int as records, sum(amount) as total, min(j) as j
  from import_staging where not dup group by item, reward_id
),
balance as (
  select w.item, l.reward_id, l.total
  from w cross join lateral (select reward_id, sum(amount) as total from wallet_lines l
    where l.account_id = $1 and l.wallet_id = w.wallet_id and l.source = 'MIGRATION'
    group by reward_id) l
)
select 'dups' as kind, item, count(*)::int as records, null::int as j, null::text as reward_id,
  null::text as total, null::text as expected, false as migrated
from import_staging where dup group by item
union all
select 'reward', s.item, null, min(s.j), null, null, null, false
from import_staging s
where not exists (select from rewards r where r.account_id = $1 and r.id = s.reward_id)
group by s.item
union all
select 'mismatch', f.item, f.records, f.j, f.reward_id::text, f.total::text,
  coalesce(b.total, 0)::text,
  exists (select from import_migrated m where m.item = f.item and m.reward_id = f.reward_id)
from fresh f left join balance b on b.item = f.item and b.reward_id = f.reward_id
where f.total <> coalesce(b.total, 0)
  or exists (select from import_migrated m where m.item = f.item and m.reward_id = f.reward_id)`;

/**
 * $1 account, $2 now, $3 the items to write, $4 their wallets, $5 their customers: per item,
 * in item order, one negative MIGRATION row replacing each opening balance of a reward its
 * fresh history names, then its fresh records in file order. Ids are time-ordered (as newId
 * makes them: milliseconds, a 12-bit sequence, random bits) in that order.
 */
export const INSERT_LEDGER = `
with w as (select * from unnest($3::int[], $4::uuid[], $5::uuid[]) as w(item, wallet_id, uuid)),
base as (select floor(extract(epoch from clock_timestamp()) * 1000)::bigint as ms),
fresh as (
  select s.*, r.type as reward_type, w.wallet_id, w.uuid
  from import_staging s join w on w.item = s.item
  join rewards r on r.account_id = $1 and r.id = s.reward_id
  where not s.dup
),
wanted as (select distinct item, reward_id from import_staging where not dup),
openings as (
  select w.item, o.*
  from w cross join lateral (select * from transactions o
    where o.account_id = $1 and o.customer_uuid = w.uuid
      and o.type = 'MIGRATION' and o.migration_key like 'bal:%'
    offset 0) o
  join wanted on wanted.item = w.item and wanted.reward_id = o.reward_id
),
rows as (
  select item, 0 as part, 0 as j, id as k, wallet_id, customer_uuid, reward_id, line_id, event_id,
    campaign_id, id as reverses_id, brand_id, channel_id, store_id, funded_by, event_type,
    reward_type, type, -amount as amount, cost,
    'Opening balance replaced by the migrated history' as details, receiver_id, sender_id,
    'rep:' || substr(migration_key, strpos(migration_key, ':') + 1) as migration_key, issued_at,
    '{"replaced_by_history": true}'::jsonb as attributes
  from openings
  union all
  select item, 1, j, null, wallet_id, uuid, reward_id, null, null, null, null, brand_id,
    channel_id, store_id, funded_by, event->>'type', reward_type, type, amount, cost, details,
    null, null, migration_key, issued_at,
    jsonb_build_object('migrated', true, 'resolved_at', resolved_at, 'event', event)
  from fresh
),
numbered as (select *, row_number() over (order by item, part, j, k) - 1 as n from rows)
insert into transactions (account_id, id, wallet_id, customer_uuid, reward_id, line_id, event_id,
  campaign_id, reverses_id, brand_id, channel_id, store_id, funded_by, event_type, reward_type,
  type, amount, cost, details, receiver_id, sender_id, migration_key, issued_at, created_at,
  attributes, metadata)
select $1, encode(int8send(((base.ms + n / 4096) << 16) | 28672 | (n % 4096))
    || substring(uuid_send(gen_random_uuid()) from 9 for 8), 'hex')::uuid,
  wallet_id, customer_uuid, reward_id, line_id, event_id, campaign_id, reverses_id, brand_id,
  channel_id, store_id, funded_by, event_type, reward_type, type, amount, cost, details,
  receiver_id, sender_id, migration_key, issued_at, $2, attributes, '{}'::jsonb
from numbered cross join base`;
