import { describe, expect, it } from "vitest";
import { cond } from "./fixtures.ts";
import { R, REWARDS, reward, run, s } from "./redemption-fixtures.ts";

const codes = (out: ReturnType<typeof run>) => out.errors.map((e) => [e.path, e.code]);

describe("computeRedemption: DISCOUNT", () => {
  it("takes a percentage of the order after line discounts and splits it over the lines", () => {
    const out = run({
      order: {
        value: 30,
        products: [
          { sku: "A", value: 10, redeem: [{ id: R.points, amount: 4 }] },
          { sku: "B", value: 20 },
        ],
        redeem: [{ id: R.pct }],
      },
    });
    // 10% of (6 + 20) = 2.60, split 6:20 → 0.60 / 2.00
    expect(s(out.order_discount)).toBe("2.6");
    expect(out.lines.map((l) => s(l.order_discount))).toEqual(["0.6", "2"]);
    expect(s(out.charged)).toBe("23.4");
    expect(out.order).toMatchObject({ action: "UPDATE" });
    expect(s(out.order.discount_value)).toBe("6.6");
    expect(s(out.order.discount_percent)).toBe("0.22");
    expect(s(out.order.amount)).toBe("1");
  });

  it("splits an uneven order discount by largest remainder so the parts sum exactly", () => {
    const out = run({
      rewards: [reward(R.fixed, "DISCOUNT", { discount_type: "FIXED", value: 1, target: "ORDER" })],
      order: {
        value: 3,
        products: [{ value: 1 }, { value: 1 }, { value: 1 }],
        redeem: [{ id: R.fixed }],
      },
    });
    expect(out.lines.map((l) => s(l.order_discount))).toEqual(["0.34", "0.33", "0.33"]);
    expect(s(out.charged)).toBe("2");
  });

  it("FIXED on a product: one use per unit, capped, consuming only the uses needed", () => {
    const out = run({
      order: {
        value: 32,
        products: [
          { sku: "A", amount: 2, value: 12, redeem: [{ id: R.fixed }] },
          { sku: "B", amount: 4, value: 12, redeem: [{ id: R.fixed }] },
          { sku: "C", value: 8, redeem: [{ id: R.fixed, amount: 2 }] },
        ],
      },
    });
    expect([s(out.products[0]?.value), s(out.products[0]?.amount)]).toEqual(["2", "2"]);
    expect([s(out.products[1]?.value), s(out.products[1]?.amount)]).toEqual(["0", "3"]);
    expect([s(out.products[2]?.value), s(out.products[2]?.amount)]).toEqual(["0", "2"]);
    expect(s(out.draws[0]?.amount)).toBe("7");
  });

  it("PERCENTAGE uses compound; 100% off shipping", () => {
    const out = run({
      order: {
        value: 100,
        products: [{ sku: "SKU-1", value: 100, redeem: [{ id: R.prod, amount: 2 }] }],
        shipping: { value: 7.5, redeem: [{ id: R.ship, amount: 3 }] },
      },
    });
    expect(s(out.products[0]?.value)).toBe("25");
    expect(s(out.products[0]?.amount)).toBe("2");
    expect(s(out.shipping?.value)).toBe("0");
    expect(s(out.shipping?.amount)).toBe("1");
    expect(s(out.shipping?.discount_percent)).toBe("1");
  });

  it("100% off a line of fractional quantity uses whole units: a started unit counts whole", () => {
    const free = "00000000-0000-7000-8000-0000000000ff";
    const out = run({
      rewards: [
        reward(free, "DISCOUNT", { discount_type: "PERCENTAGE", value: 100, target: "PRODUCT" }),
      ],
      order: {
        value: 30,
        products: [{ sku: "CHEESE", amount: 1.5, value: 30, redeem: [{ id: free, amount: 2 }] }],
      },
    });
    expect(out.errors).toEqual([]);
    expect(s(out.products[0]?.value)).toBe("0");
    // 2 per unit × 1.5 = 3 asked; one use per started unit: 2.
    expect(s(out.products[0]?.amount)).toBe("2");
  });

  it("rounds a percentage discount half away from zero", () => {
    const out = run({
      order: { value: 0.05, products: [{ sku: "SKU-1", value: 0.05, redeem: [{ id: R.prod }] }] },
    });
    expect(s(out.products[0]?.discount_value)).toBe("0.03");
    expect(s(out.products[0]?.value)).toBe("0.02");
    expect(s(out.products[0]?.discount_percent)).toBe("0.6");
  });

  it("answers WRONG_TARGET on another level and SKU_NOT_ELIGIBLE outside its skus", () => {
    const out = run({
      order: {
        value: 20,
        products: [
          { sku: "X", value: 10, redeem: [{ id: R.pct }, { id: R.prod }, { id: R.ship }] },
        ],
        shipping: { value: 3, redeem: [{ id: R.fixed }, { id: R.pct }] },
        redeem: [{ id: R.fixed }, { id: R.ship }],
      },
    });
    expect(codes(out)).toEqual([
      ["order.products[0].redeem[0]", "WRONG_TARGET"],
      ["order.products[0].redeem[1]", "SKU_NOT_ELIGIBLE"],
      ["order.products[0].redeem[2]", "WRONG_TARGET"],
      ["order.shipping.redeem[0]", "WRONG_TARGET"],
      ["order.shipping.redeem[1]", "WRONG_TARGET"],
      ["order.redeem[0]", "WRONG_TARGET"],
      ["order.redeem[1]", "WRONG_TARGET"],
    ]);
    expect(s(out.charged)).toBe("13");
    expect(out.order.action).toBe("READ");
    expect(out.products[0]?.redeemed.map((r) => r.error)).toEqual([
      "WRONG_TARGET",
      "SKU_NOT_ELIGIBLE",
      "WRONG_TARGET",
    ]);
  });

  it("an ORDER discount with skus needs one of them in the order", () => {
    const only = reward(R.pct, "DISCOUNT", {
      discount_type: "PERCENTAGE",
      value: 10,
      target: "ORDER",
      skus: ["Z"],
    });
    const order = (sku: string) => ({
      value: 10,
      products: [{ sku, value: 10 }],
      redeem: [{ id: R.pct }],
    });
    expect(codes(run({ rewards: [only], order: order("A") }))).toEqual([
      ["order.redeem[0]", "SKU_NOT_ELIGIBLE"],
    ]);
    expect(s(run({ rewards: [only], order: order("Z") }).charged)).toBe("9");
  });

  it("needs whole uses and a well-formed reward", () => {
    const broken = reward(R.other, "DISCOUNT", {
      discount_type: "BOGUS",
      value: 1,
      target: "ORDER",
    });
    const out = run({
      rewards: [...REWARDS.filter((r) => r.id !== R.other), broken],
      order: {
        value: 10,
        products: [{ sku: "A", value: 10, amount: 1.5, redeem: [{ id: R.fixed }] }],
        redeem: [{ id: R.pct, amount: 0.5 }, { id: R.other }],
      },
    });
    expect(codes(out)).toEqual([
      ["order.products[0].redeem[0]", "INVALID_AMOUNT"],
      ["order.redeem[0]", "INVALID_AMOUNT"],
      ["order.redeem[1]", "INVALID_REWARD"],
    ]);
    // Malformed is said first, before its conditions, and also on an order worth nothing.
    const gated = { ...broken, conditions: [[cond("Order Value", "greater than", "number", 50)]] };
    for (const value of [10, 0]) {
      const again = run({
        rewards: [gated],
        order: { value, redeem: [{ id: R.other }] },
      });
      expect(codes(again)).toEqual([["order.redeem[0]", "INVALID_REWARD"]]);
    }
  });

  it("applies a discount without product lines to the order's own value, plus shipping", () => {
    const out = run({
      order: {
        value: 20.95,
        discounted_value: 10.95,
        shipping: { value: 3.25, discounted_value: 2.25 },
        redeem: [{ id: R.pct }],
      },
    });
    expect(s(out.order_discount)).toBe("1.1");
    expect(s(out.charged)).toBe("12.1");
    expect(s(out.order.discount_value)).toBe("1.1");
    expect(out.lines).toEqual([]);
  });
});
