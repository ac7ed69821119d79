import { type Accrual, budgetPeriodStart, D, fitsBudget } from "@tally/core";
import type { Database } from "@tally/db";
import type { Selectable, Transaction } from "kysely";

type Trx = Transaction<Database>;

/**
 * Drops the accruals of every campaign whose budget (for the current period) the
 * event would overrun. Budget rows are locked in ascending campaign id order —
 * after the wallet — so concurrent events can never overspend nor deadlock.
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
    const periodStart = budgetPeriodStart(campaign.divide_budget_in, opts.at);
    await trx
      .insertInto("campaign_budget_usage")
      .values({
        account_id: opts.accountId,
        campaign_id: campaign.id,
        period_start: periodStart,
        used: "0",
      })
      .onConflict((oc) => oc.doNothing())
      .execute();
    const usage = await trx
      .selectFrom("campaign_budget_usage")
      .select("used")
      .where("account_id", "=", opts.accountId)
      .where("campaign_id", "=", campaign.id)
      .where("period_start", "=", periodStart)
      .forUpdate()
      .executeTakeFirstOrThrow();
    if (!fitsBudget({ budget: campaign.budget, used: usage.used, cost })) {
      skipped.add(campaign.id);
      continue;
    }
    await trx
      .updateTable("campaign_budget_usage")
      .set({ used: new D(usage.used).plus(cost).toString() })
      .where("account_id", "=", opts.accountId)
      .where("campaign_id", "=", campaign.id)
      .where("period_start", "=", periodStart)
      .execute();
  }
  return opts.accruals.filter((a) => !skipped.has(a.campaign_id));
}
