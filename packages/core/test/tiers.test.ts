import { describe, expect, it } from "vitest";
import { tierToDemote, tierToPromote } from "../src/tiers.ts";
import type { Conditions, TierFacts } from "../src/types.ts";
import { cond, ctx, customer } from "./fixtures.ts";

const spendAtLeast = (n: number): Conditions => [
  [cond("Customer Spend Total", "greater than or equal to", "currency", n)],
];
const spendBelow = (n: number): Conditions => [
  [cond("Customer Spend Total", "less than", "currency", n)],
];
const tier = (
  id: string,
  level: number,
  entry: Conditions,
  exit: Conditions = [],
  active = true,
): TierFacts => ({
  id,
  level,
  status: active ? "ACTIVE" : "INACTIVE",
  entry_conditions: entry,
  exit_conditions: exit,
});

const TIERS = [
  tier("base", 1, []),
  tier("silver", 2, spendAtLeast(1000), spendBelow(500)),
  tier("gold", 3, spendAtLeast(5000), spendBelow(2000)),
  tier("platinum", 4, spendAtLeast(20000), spendBelow(10000)),
];
const withSpend = (spend_total: number) =>
  ctx({
    customer: customer({
      metrics: {
        lifetime: { from: null, to: null, last_visit: null, spend_total, number_of_purchases: 1 },
      },
    }),
  });
const promote = (currentTierId: string, spend: number, tiers = TIERS) =>
  tierToPromote({ tiers, currentTierId, ctx: withSpend(spend) })?.id ?? null;
const demote = (currentTierId: string, spend: number, tiers = TIERS) =>
  tierToDemote({ tiers, currentTierId, ctx: withSpend(spend) })?.id ?? null;

describe("tierToPromote", () => {
  it("picks the highest tier whose entry conditions hold, skipping levels", () => {
    expect(promote("base", 6000)).toBe("gold");
    expect(promote("base", 25000)).toBe("platinum");
    expect(promote("silver", 1500)).toBeNull();
    expect(promote("base", 999)).toBeNull();
  });

  it("never promotes to the current or a lower tier", () => {
    expect(promote("gold", 6000)).toBeNull();
    expect(promote("platinum", 6000)).toBeNull();
    expect(promote("gold", 0)).toBeNull();
  });

  it("ignores inactive tiers", () => {
    const tiers = [...TIERS.slice(0, 3), tier("platinum", 4, spendAtLeast(20000), [], false)];
    expect(promote("base", 25000, tiers)).toBe("gold");
  });

  it("places a customer of an unknown tier in the highest qualifying tier, Base included", () => {
    expect(promote("deleted", 1500)).toBe("silver");
    expect(promote("deleted", 0)).toBe("base");
  });
});

describe("tierToDemote", () => {
  it("does nothing while the exit conditions do not hold", () => {
    expect(demote("gold", 3000)).toBeNull();
  });

  it("moves to the highest lower tier whose entry conditions hold", () => {
    expect(demote("platinum", 6000)).toBe("gold");
    expect(demote("platinum", 1500)).toBe("silver");
    expect(demote("gold", 1500)).toBe("silver");
  });

  it("falls back to Base, which always qualifies", () => {
    expect(demote("gold", 100)).toBe("base");
    const strictBase = [tier("base", 1, spendAtLeast(1)), ...TIERS.slice(1)];
    expect(demote("silver", 0, strictBase)).toBe("base");
  });

  it("never demotes without exit conditions, from Base, or from an unknown tier", () => {
    const noExit = [TIERS[0]!, tier("silver", 2, spendAtLeast(1000))];
    expect(demote("silver", 0, noExit)).toBeNull();
    expect(demote("base", 0)).toBeNull();
    expect(demote("deleted", 0)).toBeNull();
  });

  it("skips inactive lower tiers", () => {
    const tiers = [TIERS[0]!, tier("silver", 2, spendAtLeast(1000), [], false), TIERS[2]!];
    expect(demote("gold", 1500, tiers)).toBe("base");
  });
});
