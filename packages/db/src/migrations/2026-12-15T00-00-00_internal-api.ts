import { type Kysely, sql } from "kysely";

/**
 * The internal API's tables. Service tokens are hashed like API keys; an operator-wide token
 * belongs to no account (account_id null), so its key is its own id and its hash, the second
 * exception to "every key leads with account_id" after API-key hashes (a call finds its
 * account through them). Stores and channels are the ids events may name, checked once an
 * account defines any (docs/api-decisions.md#stores-and-channels).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create table service_tokens (
    id uuid primary key,
    account_id uuid references accounts(id),
    name text not null,
    token_hash text not null,
    created_at timestamptz not null default now(),
    revoked_at timestamptz
  )`.execute(db);
  await sql`create unique index service_tokens_hash on service_tokens (token_hash)`.execute(db);
  await sql`create index service_tokens_account on service_tokens (account_id, id)`.execute(db);
  // Renaming a brand, like a store or a channel, notes when.
  await sql`alter table brands add column updated_at timestamptz not null default now()`.execute(
    db,
  );
  for (const table of ["stores", "channels"]) {
    await sql`create table ${sql.raw(table)} (
      account_id uuid not null references accounts(id),
      id text not null,
      name text not null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (account_id, id)
    )`.execute(db);
    // Events check their store and channel against the cached catalog (see the initial migration).
    await sql`create trigger ${sql.raw(table)}_catalog_version
      after insert or update or delete on ${sql.raw(table)}
      for each row execute function bump_catalog_version()`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table channels`.execute(db);
  await sql`drop table stores`.execute(db);
  await sql`drop table service_tokens`.execute(db);
  await sql`alter table brands drop column updated_at`.execute(db);
}
