import { type Accrual, budgetPeriodStart, D, fitsBudget } from "@tally/core";
import type { Database } from "@tally/db";
import { type Selectable, sql, type Transaction } from "kysely";

type Trx = Transaction<Database>;

type BudgetFields = Pick<Selectable<Database["campaigns"]>, "budget" | "divide_budget_in">;

/** The division a campaign's budget use is kept in: its divide_budget_in, or 'none'. */
export const budgetDivisionOf = (campaign: BudgetFields) => campaign.divide_budget_in ?? "none";

/**
 * The budget period an accrual of `campaign` at `at` is charged to (its division and start,
 * ISO), recorded in its ACCUMULATION transaction so a reversal gives the use back to that very
 * period; null without a budget.
 */
export function budgetPeriodOf(
  campaign: BudgetFields | undefined,
  at: Date,
): { division: string; start: string } | null {
  if (!campaign || campaign.budget === null) return null;
  return {
    division: budgetDivisionOf(campaign),
    start: budgetPeriodStart(campaign.divide_budget_in, at).toISOString(),
  };
}

/**
 * Drops the accruals of every campaign whose budget (for the current period) the
 * event would overrun. Each budget is charged by one conditional upsert, which
 * locks its usage row; rows are taken in ascending campaign id order — after the
 * wallet — so concurrent events can neither overspend nor deadlock.
 */
export async function applyBudgets(
  trx: Trx,
  opts: {
    accountId: string;
    accruals: Accrual[];
    campaigns: Selectable<Database["campaigns"]>[];
    at: Date;
  },
): Promise<Accrual[]> {
  const budgeted = opts.campaigns
    .filter((c) => c.budget !== null && opts.accruals.some((a) => a.campaign_id === c.id))
    .sort((a, b) => (a.id < b.id ? -1 : 1));
  if (budgeted.length === 0) return opts.accruals;
  const skipped = new Set<string>();
  for (const campaign of budgeted) {
    const cost = opts.accruals
      .filter((a) => a.campaign_id === campaign.id)
      .reduce((sum, a) => sum.plus(a.cost), new D(0));
    if (!fitsBudget({ budget: campaign.budget, used: 0, cost })) {
      skipped.add(campaign.id);
      continue;
    }
    const charged = await trx
      .insertInto("campaign_budget_usage")
      .values({
        account_id: opts.accountId,
        campaign_id: campaign.id,
        division: budgetDivisionOf(campaign),
        period_start: budgetPeriodStart(campaign.divide_budget_in, opts.at),
        used: cost.toString(),
      })
      .onConflict((oc) =>
        oc
          .columns(["account_id", "campaign_id", "division", "period_start"])
          .doUpdateSet({ used: sql`campaign_budget_usage.used + excluded.used` })
          .where(
            sql<boolean>`campaign_budget_usage.used + excluded.used <= ${campaign.budget}::numeric`,
          ),
      )
      .returning("used")
      .executeTakeFirst();
    if (!charged) skipped.add(campaign.id);
  }
  return opts.accruals.filter((a) => !skipped.has(a.campaign_id));
}
