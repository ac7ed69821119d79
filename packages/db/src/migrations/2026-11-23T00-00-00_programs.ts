import { type Kysely, sql } from "kysely";

/**
 * Gift-card pools, punch-card stamps and referrals (issue 3). Gift cards gain their value,
 * the campaign and lot that drew them, and indexes for drawing and listing; a code is unique
 * per account case-insensitively (as coupon and referral codes are), not per reward; every stamp an
 * event gave is recorded so a reversal can take it back; a referral ties a referee to the
 * code (and so the referrer) that brought them, rewarded at most once.
 */
const up_statements = [
  `alter table gift_cards
    add column value numeric check (value >= 0),
    add column campaign_id uuid,
    add column line_id uuid`,
  `alter table gift_cards drop constraint gift_cards_account_id_reward_id_code_key`,
  `create unique index gift_cards_code on gift_cards (account_id, lower(code))`,
  `create index gift_cards_pool on gift_cards (account_id, reward_id, created_at, id) where customer_uuid is null`,
  `create index gift_cards_customer on gift_cards (account_id, customer_uuid, rewarded_at) where customer_uuid is not null`,
  `create index gift_cards_event on gift_cards (account_id, event_id) where event_id is not null`,
  `alter table punch_cards add constraint punch_cards_stamps check (stamps >= 0 and completed >= 0)`,
  `create table punch_card_stamps (
    account_id uuid not null,
    event_id uuid not null,
    campaign_id uuid not null,
    customer_uuid uuid not null,
    completed boolean not null,
    status text not null default 'ACTIVE' check (status in ('ACTIVE', 'REVERSED')),
    created_at timestamptz not null default now(),
    primary key (account_id, event_id, campaign_id)
  )`,
  `create table referrals (
    account_id uuid not null,
    id uuid not null,
    campaign_id uuid not null,
    code_id uuid not null,
    referrer_uuid uuid not null,
    referee_uuid uuid not null,
    status text not null check (status in ('PENDING', 'REWARDED', 'REVERSED')),
    event_id uuid,
    referrer_event_id uuid,
    created_at timestamptz not null default now(),
    rewarded_at timestamptz,
    reversed_at timestamptz,
    primary key (account_id, id),
    unique (account_id, referee_uuid)
  )`,
  `create index referrals_event on referrals (account_id, event_id) where event_id is not null`,
];

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of up_statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table referrals`.execute(db);
  await sql`drop table punch_card_stamps`.execute(db);
  await sql`alter table punch_cards drop constraint punch_cards_stamps`.execute(db);
  await sql`drop index gift_cards_event`.execute(db);
  await sql`drop index gift_cards_customer`.execute(db);
  await sql`drop index gift_cards_pool`.execute(db);
  await sql`drop index gift_cards_code`.execute(db);
  await sql`alter table gift_cards add unique (account_id, reward_id, code)`.execute(db);
  await sql`alter table gift_cards drop column value, drop column campaign_id, drop column line_id`.execute(
    db,
  );
}
