import { type Kysely, sql } from "kysely";

/**
 * All of a wallet's lots, spent ones included (wallet_lines_open holds only remaining > 0):
 * reconciling migrated history sums a wallet's MIGRATION lots, which was a scan of the table.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index wallet_lines_wallet on wallet_lines (account_id, wallet_id)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index wallet_lines_wallet`.execute(db);
}
