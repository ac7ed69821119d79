import { startOfUtcDay } from "./calendar.ts";
import { type DecimalLike, dec } from "./decimal.ts";

/** Start of the budget period holding `at`: UTC day, ISO week (Monday) or month; no division → epoch. */
export function budgetPeriodStart(divide: "daily" | "weekly" | "monthly" | null, at: Date): Date {
  switch (divide) {
    case "daily":
      return startOfUtcDay(at);
    case "weekly": {
      const day = startOfUtcDay(at);
      return new Date(day.getTime() - ((at.getUTCDay() + 6) % 7) * 86_400_000);
    }
    case "monthly":
      return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1));
    default:
      return new Date(0);
  }
}

/** Whether a cost still fits the budget: no budget → always; else used + cost ≤ budget. */
export function fitsBudget(opts: {
  budget: string | null;
  used: DecimalLike;
  cost: DecimalLike;
}): boolean {
  if (opts.budget === null || opts.budget === undefined) return true;
  return dec(opts.used).plus(dec(opts.cost)).lte(dec(opts.budget));
}
