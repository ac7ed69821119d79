import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { budgetPeriodStart, fitsBudget } from "../src/budget.ts";

const iso = (d: Date) => d.toISOString();

describe("budgetPeriodStart", () => {
  const at = new Date("2026-11-18T15:30:00.000Z"); // Wednesday
  it("starts days, ISO weeks (Monday) and months in UTC", () => {
    expect(iso(budgetPeriodStart("daily", at))).toBe("2026-11-18T00:00:00.000Z");
    expect(iso(budgetPeriodStart("weekly", at))).toBe("2026-11-16T00:00:00.000Z");
    expect(iso(budgetPeriodStart("monthly", at))).toBe("2026-11-01T00:00:00.000Z");
    expect(budgetPeriodStart(null, at).getTime()).toBe(0);
  });

  it("puts Sunday in the week that began the Monday before, and Monday in its own", () => {
    expect(iso(budgetPeriodStart("weekly", new Date("2026-11-22T23:59:59Z")))).toBe(
      "2026-11-16T00:00:00.000Z",
    );
    expect(iso(budgetPeriodStart("weekly", new Date("2026-11-23T00:00:00Z")))).toBe(
      "2026-11-23T00:00:00.000Z",
    );
    expect(iso(budgetPeriodStart("weekly", new Date("2027-01-01T12:00:00Z")))).toBe(
      "2026-12-28T00:00:00.000Z",
    );
  });

  it("a weekly period starts on a Monday at most 6 days before (property)", () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date("1971-01-01"), max: new Date("2200-01-01"), noInvalidDate: true }),
        (d) => {
          const start = budgetPeriodStart("weekly", d);
          expect(start.getUTCDay()).toBe(1);
          expect(start.getTime() % 86_400_000).toBe(0);
          expect(d.getTime() - start.getTime()).toBeGreaterThanOrEqual(0);
          expect(d.getTime() - start.getTime()).toBeLessThan(7 * 86_400_000);
        },
      ),
    );
  });
});

describe("fitsBudget", () => {
  it("always fits without a budget", () => {
    expect(fitsBudget({ budget: null, used: "1e12", cost: 5 })).toBe(true);
  });

  it("fits up to and including the budget, exactly", () => {
    expect(fitsBudget({ budget: "100", used: "99.9", cost: "0.1" })).toBe(true);
    expect(fitsBudget({ budget: "100", used: "99.9", cost: "0.11" })).toBe(false);
    expect(fitsBudget({ budget: "0.3", used: 0.1, cost: 0.2 })).toBe(true);
    expect(fitsBudget({ budget: "0", used: 0, cost: 0 })).toBe(true);
    expect(fitsBudget({ budget: "0", used: 0, cost: "0.01" })).toBe(false);
  });
});
