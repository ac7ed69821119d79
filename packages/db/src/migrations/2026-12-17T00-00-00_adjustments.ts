import { type Kysely, sql } from "kysely";

/**
 * Manual adjustments and gift-card redemption (docs/api-decisions.md#manual-adjustments,
 * docs/api-decisions.md#redeeming-gift-cards): ledger rows of type ADJUSTMENT, the lots a
 * credit makes (source ADJUSTMENT), and the money a gift card has given so far (`spent`, so a
 * card may be redeemed in parts). Only CHECK lists widen; no row changes.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table transactions drop constraint transactions_type_check`.execute(db);
  await sql`alter table transactions add constraint transactions_type_check check (type in
    ('ACCUMULATION', 'REDEMPTION', 'EXPIRATION', 'MIGRATION', 'TRANSFER', 'REVERSAL', 'ADJUSTMENT'))`.execute(
    db,
  );
  await sql`alter table wallet_lines drop constraint wallet_lines_source_check`.execute(db);
  await sql`alter table wallet_lines add constraint wallet_lines_source_check check (source in
    ('ACCUMULATION', 'MIGRATION', 'TRANSFER', 'ADJUSTMENT'))`.execute(db);
  await sql`alter table gift_cards add column spent numeric not null default 0
    check (spent >= 0)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table gift_cards drop column spent`.execute(db);
  await sql`alter table wallet_lines drop constraint wallet_lines_source_check`.execute(db);
  await sql`alter table wallet_lines add constraint wallet_lines_source_check check (source in
    ('ACCUMULATION', 'MIGRATION', 'TRANSFER'))`.execute(db);
  await sql`alter table transactions drop constraint transactions_type_check`.execute(db);
  await sql`alter table transactions add constraint transactions_type_check check (type in
    ('ACCUMULATION', 'REDEMPTION', 'EXPIRATION', 'MIGRATION', 'TRANSFER', 'REVERSAL'))`.execute(db);
}
