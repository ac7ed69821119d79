import { type Kysely, sql } from "kysely";

/** Spending sums each lot's live holds: find a lot's HELD reservations without a scan. */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index reservations_held_line on reservations (account_id, line_id) where status = 'HELD'`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index reservations_held_line`.execute(db);
}
