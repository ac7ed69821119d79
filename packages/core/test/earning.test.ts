import { describe, expect, it } from "vitest";
import type { MatchedRule } from "../src/campaigns.ts";
import { dec } from "../src/decimal.ts";
import { computeAccruals, effectAmount, MAX_CREDIT, rewardCost } from "../src/earning.ts";
import { DomainError, isRuleRefusal } from "../src/errors.ts";
import type { Effect, RewardFacts } from "../src/types.ts";
import { campaign, points, purchase, REWARD_ID } from "./fixtures.ts";

const effect = (over: Partial<Effect> = {}): Effect => ({
  reward_id: REWARD_ID,
  tier_id: null,
  amount: 1,
  expiration_date: null,
  ...over,
});
const amountOf = (e: Partial<Effect>, reward: RewardFacts, event = purchase()) =>
  effectAmount({ effect: effect(e), reward, event }).toString();

describe("effectAmount", () => {
  it("defaults to PER_UNIT_SPENT for POINTS on a PURCHASE, on the discounted value, floored", () => {
    // discounted_value 100.25 (value 120.5, shipping 9.99 excluded)
    expect(amountOf({ amount: 1 }, points())).toBe("100");
    expect(amountOf({ amount: 2 }, points())).toBe("200");
  });

  it("uses the order value when there is no discounted value", () => {
    const event = purchase({ order: { value: 55.9, shipping: { value: 10 } } });
    expect(amountOf({ amount: 1 }, points(), event)).toBe("55");
  });

  it("earns nothing per unit spent without an order", () => {
    expect(amountOf({ amount: 1 }, points(), purchase({ order: null }))).toBe("0");
  });

  it("keeps the reward's decimals, flooring", () => {
    expect(amountOf({ amount: 0.1 }, points({ attributes: { decimals: 1 } }))).toBe("10");
    expect(amountOf({ amount: 0.15 }, points({ attributes: { decimals: 2 } }))).toBe("15.03");
    expect(amountOf({ amount: 0.15 }, points({ attributes: { decimals: 1 } }))).toBe("15");
    expect(amountOf({ amount: 0.15 }, points())).toBe("15");
  });

  it("is FIXED by default for other events and other reward types", () => {
    const registration = purchase({ type: "REGISTRATION" });
    expect(amountOf({ amount: 50 }, points(), registration)).toBe("50");
    const discount: RewardFacts = { ...points(), type: "DISCOUNT", attributes: {} };
    expect(amountOf({ amount: 1 }, discount)).toBe("1");
  });

  it("honours an explicit calculation", () => {
    expect(amountOf({ amount: 7, calculation: "FIXED" }, points())).toBe("7");
    const giftCard: RewardFacts = { ...points(), type: "GIFT_CARD", attributes: {} };
    // 0.01 × 100.25 = 1.0025: gift cards, discounts and products come in whole units.
    expect(amountOf({ amount: 0.01, calculation: "PER_UNIT_SPENT" }, giftCard)).toBe("1");
    const discount: RewardFacts = { ...points(), type: "DISCOUNT", attributes: {} };
    expect(amountOf({ amount: 0.025, calculation: "PER_UNIT_SPENT" }, discount)).toBe("2");
    expect(amountOf({ amount: 0.005, calculation: "PER_UNIT_SPENT" }, discount)).toBe("0");
  });

  it("never goes negative", () => {
    const refund = purchase({ order: { value: -20 } });
    expect(amountOf({ amount: 1 }, points(), refund)).toBe("0");
  });
});

describe("rewardCost", () => {
  it.each([
    ["POINTS × conversion factor", points(), "250", "25"],
    ["POINTS without a factor", points({ attributes: {} }), "250", "0"],
    [
      "FIXED discount",
      { ...points(), type: "DISCOUNT", attributes: { discount_type: "FIXED", value: 15 } },
      "2",
      "30",
    ],
    [
      "PERCENTAGE discount",
      { ...points(), type: "DISCOUNT", attributes: { discount_type: "PERCENTAGE", value: 15 } },
      "2",
      "0",
    ],
    ["GIFT_CARD", { ...points(), type: "GIFT_CARD", attributes: { value: "25.50" } }, "2", "51"],
    ["PRODUCT", { ...points(), type: "PRODUCT", attributes: { value: 9.99 } }, "3", "29.97"],
    ["PRODUCT without value", { ...points(), type: "PRODUCT", attributes: {} }, "3", "0"],
  ] as [string, RewardFacts, string, string][])("%s", (_name, reward, amount, cost) => {
    expect(rewardCost(reward, dec(amount)).toString()).toBe(cost);
  });

  it("is exact for fractional factors", () => {
    expect(rewardCost(points({ attributes: { conversion_factor: 0.1 } }), dec(3)).toString()).toBe(
      "0.3",
    );
  });
});

describe("computeAccruals", () => {
  const c = campaign();
  const match = (effects: Effect[], rule_index = 0): MatchedRule => ({
    campaign: c,
    rule_index,
    effects,
  });
  const other = "11111111-2222-4333-8444-555555555555";

  it("computes amount, cost and expiry per matched effect", () => {
    const out = computeAccruals({
      matches: [match([effect({ expiration_date: "1/month" })], 2)],
      rewards: new Map([[REWARD_ID, points()]]),
      event: purchase({ issued_at: new Date("2026-01-31T10:00:00Z") }),
    });
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ campaign_id: c.id, rule_index: 2, reward_id: REWARD_ID });
    expect(out[0]!.amount.toString()).toBe("100");
    expect(out[0]!.cost.toString()).toBe("10");
    expect(out[0]!.expiration_date?.toISOString()).toBe("2026-02-28T10:00:00.000Z");
  });

  it("skips unknown rewards, other brands' rewards and zero amounts", () => {
    const rewards = new Map<string, RewardFacts>([
      [REWARD_ID, points({ brand_id: "brand-b" })],
      [other, points({ id: other, brand_id: "brand-a" })],
    ]);
    const event = purchase({ order: { value: 0.5 } });
    const unknown = "99999999-2222-4333-8444-555555555555";
    const out = computeAccruals({
      matches: [
        match([
          effect(),
          effect({ reward_id: unknown }),
          effect({ reward_id: other, calculation: "FIXED", amount: 3 }),
        ]),
        match([effect({ reward_id: other })]),
      ],
      rewards,
      event,
    });
    expect(out.map((a) => [a.reward_id, a.amount.toString(), a.expiration_date])).toEqual([
      [other, "3", null],
    ]);
  });

  it("credits a global reward in any brand's event", () => {
    const out = computeAccruals({
      matches: [match([effect({ calculation: "FIXED", amount: 5 })])],
      rewards: new Map([[REWARD_ID, points()]]),
      event: purchase({ brand_id: "brand-z" }),
    });
    expect(out.map((a) => a.amount.toString())).toEqual(["5"]);
  });
});

describe("credits and their expiries stay storable", () => {
  const match = (effects: Effect[]): MatchedRule => ({
    campaign: campaign({ id: "campaign-big" }),
    rule_index: 1,
    effects,
  });
  const accrue = (e: Partial<Effect>, value: number, reward = points()) =>
    computeAccruals({
      matches: [match([effect(e)])],
      rewards: new Map([[REWARD_ID, reward]]),
      event: purchase({ order: { value } }),
    });
  const thrown = (f: () => unknown): DomainError => {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(DomainError);
      return e as DomainError;
    }
    throw new Error("expected a DomainError");
  };

  it("credits up to 10^12 and refuses more, naming the campaign (a rule's refusal)", () => {
    expect(MAX_CREDIT.toFixed()).toBe("1000000000000");
    expect(accrue({ amount: 100 }, 1e10)[0]!.amount.toFixed()).toBe("1000000000000");
    const error = thrown(() => accrue({ amount: 1e12 }, 1e12));
    expect(error.code).toBe("AMOUNT_TOO_LARGE");
    expect(isRuleRefusal(error)).toBe(true);
    expect(error.details).toBe(
      `order: campaign campaign-big (rules[1]) would credit 1000000000000000000000000 of reward ${REWARD_ID} for this order; one credit is at most 1000000000000`,
    );
    expect(error.extra).toEqual({ campaign_id: "campaign-big" });
  });

  it("costs the largest credit at the largest unit value exactly (40 significant digits)", () => {
    const most = "999999999999.99999999";
    const cost = rewardCost(points({ attributes: { conversion_factor: most } }), dec(most));
    const exact = String(99_999_999_999_999_999_999n * 99_999_999_999_999_999_999n);
    expect(cost.toFixed()).toBe(`${exact.slice(0, -16)}.${exact.slice(-16)}`);
  });

  it("an expiry stored before durations were bounded that leaves year 9999 is a logged bug (500)", () => {
    const error = thrown(() => accrue({ expiration_date: "7974/years" }, 10));
    expect(error.code).toBe("INTERNAL");
    expect(error.details).toMatch(
      /^campaign campaign-big rules\[1\]: expiration_date "7974\/years" after 2026-11-18T11:00:00.000Z falls outside years 0001-9999/,
    );
    expect(() => accrue({ expiration_date: "99999999999999999999/days" }, 10)).toThrow(DomainError);
    expect(accrue({ expiration_date: "500/years" }, 10)[0]!.expiration_date?.toISOString()).toBe(
      "2526-11-18T11:00:00.000Z",
    );
  });
});
