import { type Kysely, sql } from "kysely";

/**
 * Webhook subscriptions and their deliveries, the outbox: a delivery row is written in the
 * transaction of the change it reports. `seq` orders one customer's deliveries by commit (a
 * customer's changes commit one after the other under its wallet lock).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create table webhook_subscriptions (
    account_id uuid not null references accounts(id),
    id uuid not null,
    url text not null,
    events text[],
    enabled boolean not null default true,
    description text,
    secret text not null,
    previous_secret text,
    previous_secret_expires_at timestamptz,
    disabled_reason text,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    primary key (account_id, id)
  )`.execute(db);
  await sql`create index webhook_subscriptions_enabled on webhook_subscriptions (account_id)
    where enabled`.execute(db);
  await sql`create table webhook_deliveries (
    account_id uuid not null,
    id uuid not null,
    seq bigint generated always as identity,
    subscription_id uuid not null,
    event text not null,
    customer_uuid uuid,
    data jsonb not null,
    status text not null default 'PENDING'
      check (status in ('PENDING', 'DELIVERED', 'FAILED', 'DEAD')),
    attempts integer not null default 0,
    next_attempt_at timestamptz not null,
    lease_until timestamptz,
    window_start timestamptz not null,
    last_attempt_at timestamptz,
    last_status_code integer,
    last_response text,
    last_error text,
    delivered_at timestamptz,
    created_at timestamptz not null,
    primary key (account_id, id),
    foreign key (account_id, subscription_id)
      references webhook_subscriptions (account_id, id) on delete cascade
  )`.execute(db);
  // The worker's claim: due PENDING rows by commit order, and the earlier PENDING row of a
  // customer that holds a later one back.
  await sql`create index webhook_deliveries_due on webhook_deliveries (next_attempt_at, seq)
    where status = 'PENDING'`.execute(db);
  await sql`create index webhook_deliveries_customer on webhook_deliveries
    (account_id, subscription_id, customer_uuid, seq) where status = 'PENDING'`.execute(db);
  await sql`create index webhook_deliveries_listing on webhook_deliveries
    (account_id, subscription_id, id)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table webhook_deliveries`.execute(db);
  await sql`drop table webhook_subscriptions`.execute(db);
}
