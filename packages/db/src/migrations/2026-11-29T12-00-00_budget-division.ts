import { type Kysely, sql } from "kysely";

/**
 * A campaign's budget use is kept per division (daily, weekly, monthly, none) as well as per
 * period start. Periods of different divisions can start at the same instant (the first of a
 * month starts a day and a month): before this, a campaign switched from a daily to a monthly
 * budget on the 1st found the day's use already in its month. Existing rows take the
 * campaign's current division.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table campaign_budget_usage
    add column division text not null default 'none'
    check (division in ('none', 'daily', 'weekly', 'monthly'))`.execute(db);
  await sql`update campaign_budget_usage u set division = c.divide_budget_in
    from campaigns c
    where c.account_id = u.account_id and c.id = u.campaign_id and c.divide_budget_in is not null`.execute(
    db,
  );
  await sql`alter table campaign_budget_usage drop constraint campaign_budget_usage_pkey`.execute(
    db,
  );
  await sql`alter table campaign_budget_usage add primary key (account_id, campaign_id, division, period_start)`.execute(
    db,
  );
}

/**
 * Rows of one period start are merged back into one, which keeps the largest use (the use of
 * one division; summing them would count a period against the budget twice).
 */
export async function down(db: Kysely<any>): Promise<void> {
  await sql`create temporary table budget_usage_merged on commit drop as
    select account_id, campaign_id, period_start, max(used) as used
    from campaign_budget_usage group by account_id, campaign_id, period_start`.execute(db);
  await sql`delete from campaign_budget_usage`.execute(db);
  await sql`alter table campaign_budget_usage drop column division`.execute(db);
  await sql`alter table campaign_budget_usage add primary key (account_id, campaign_id, period_start)`.execute(
    db,
  );
  await sql`insert into campaign_budget_usage (account_id, campaign_id, period_start, used)
    select account_id, campaign_id, period_start, used from budget_usage_merged`.execute(db);
}
