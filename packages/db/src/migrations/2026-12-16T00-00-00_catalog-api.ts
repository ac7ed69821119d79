import { type Kysely, sql } from "kysely";

/**
 * What the internal API's catalog procedures keep (docs/api-decisions.md#internal-catalog):
 * when a reward or campaign was archived, when a coupon code was disabled and the generated
 * batch it came from (a retried generation answers that batch), and when an account's tier
 * ladder changed and when its customers were last re-evaluated against it. The unique level per
 * account becomes deferrable, so one statement may swap two tiers' levels (checked at its end).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table rewards add column archived_at timestamptz`.execute(db);
  await sql`alter table campaigns add column archived_at timestamptz`.execute(db);
  await sql`alter table coupon_codes
    add column disabled_at timestamptz,
    add column batch_id uuid`.execute(db);
  await sql`create index coupon_codes_batch on coupon_codes (account_id, batch_id)
    where batch_id is not null`.execute(db);
  await sql`alter table accounts
    add column tiers_changed_at timestamptz,
    add column tiers_reevaluated_at timestamptz`.execute(db);
  await sql`alter table tiers
    drop constraint tiers_account_id_level_key,
    add constraint tiers_account_id_level_key unique (account_id, level)
      deferrable initially immediate`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table tiers
    drop constraint tiers_account_id_level_key,
    add constraint tiers_account_id_level_key unique (account_id, level)`.execute(db);
  await sql`alter table accounts drop column tiers_changed_at, drop column tiers_reevaluated_at`.execute(
    db,
  );
  await sql`drop index coupon_codes_batch`.execute(db);
  await sql`alter table coupon_codes drop column disabled_at, drop column batch_id`.execute(db);
  await sql`alter table campaigns drop column archived_at`.execute(db);
  await sql`alter table rewards drop column archived_at`.execute(db);
}
