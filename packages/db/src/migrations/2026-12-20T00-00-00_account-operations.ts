import { type Kysely, sql } from "kysely";

/**
 * Account settings for browser use and fair use: the origins a browser may call from with
 * the account's CLIENT keys, and requests per minute per API key (null: unlimited). One
 * counter row per API key holds its current fixed window, shared by every app process.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table accounts
    add column cors_origins jsonb not null default '[]',
    add column rate_limit_client_per_minute integer default 600
      check (rate_limit_client_per_minute between 1 and 1000000),
    add column rate_limit_server_per_minute integer
      check (rate_limit_server_per_minute between 1 and 1000000)`.execute(db);
  await sql`create table request_counters (
    key_id uuid primary key,
    window_start timestamptz not null,
    count integer not null
  )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table request_counters`.execute(db);
  await sql`alter table accounts
    drop column cors_origins,
    drop column rate_limit_client_per_minute,
    drop column rate_limit_server_per_minute`.execute(db);
}
