import { type Kysely, sql } from "kysely";

/**
 * Indexes for bulk imports. All of a wallet's lots, spent ones included (wallet_lines_open holds
 * only remaining > 0): reconciling migrated history sums a wallet's MIGRATION lots, which was a
 * scan of the table. transactions_event only for rows that have an event: most migrated ledger
 * rows have none, and every lookup by event names one (`event_id = …` implies not null).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index wallet_lines_wallet on wallet_lines (account_id, wallet_id)`.execute(db);
  await sql`drop index transactions_event`.execute(db);
  await sql`create index transactions_event on transactions (account_id, event_id) where event_id is not null`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index transactions_event`.execute(db);
  await sql`create index transactions_event on transactions (account_id, event_id)`.execute(db);
  await sql`drop index wallet_lines_wallet`.execute(db);
}
