import { type Kysely, sql } from "kysely";

/**
 * An account's device_token_ttl (days a push token lives) is at most 100 years, like every
 * duration: a token's expiry then stays within years 0001–9999. No API writes it; this bounds
 * what an operator sets by SQL. `not valid`: a row set before is not checked (the migration
 * cannot fail on it), only rows written from now on.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table accounts add constraint accounts_device_token_ttl_bound
    check (device_token_ttl between 1 and 36500) not valid`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table accounts drop constraint accounts_device_token_ttl_bound`.execute(db);
}
