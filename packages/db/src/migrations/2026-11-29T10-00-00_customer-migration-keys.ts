import { type Kysely, sql } from "kysely";

/**
 * Migration keys are unique per customer, not per account. Every key is derived from its
 * customer's records and every lookup names the customer, so the index leads with the
 * customer: a batch of customers created in one run (time-ordered uuids) writes its keys
 * into a few neighbouring index pages instead of one random page per key (sha256 keys),
 * which at a million migrated rows had outgrown the server's cache.
 *
 * Like every migration here it runs in one transaction, so the ledger is locked while the
 * new index builds (seconds per million ledger rows): on a large ledger, run it in a quiet
 * moment. `down` fails if two customers have come to share a key since.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`drop index transactions_migration`.execute(db);
  await sql`create unique index transactions_migration on transactions (account_id, customer_uuid, migration_key) where migration_key is not null`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index transactions_migration`.execute(db);
  await sql`create unique index transactions_migration on transactions (account_id, migration_key) where migration_key is not null`.execute(
    db,
  );
}
