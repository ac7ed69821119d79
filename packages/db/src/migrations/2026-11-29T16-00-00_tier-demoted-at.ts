import { type Kysely, sql } from "kysely";

/**
 * When the tier demotion job last moved a customer down: a period's run, done again after a
 * failure or by two workers at once, moves each customer at most once.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table customers add column tier_demoted_at timestamptz`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table customers drop column tier_demoted_at`.execute(db);
}
