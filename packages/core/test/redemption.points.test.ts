import { describe, expect, it } from "vitest";
import { renderRedemptions } from "../src/redemption/wire.ts";
import { R, REWARDS, reward, run, s } from "./redemption-fixtures.ts";

describe("computeRedemption: POINTS", () => {
  it("matches the client README: value 10, 6 points at factor 1 → value 4, 60% off, UPDATE", () => {
    const order = {
      value: 10,
      products: [{ sku: "A", value: 10, redeem: [{ id: R.points, amount: 6 }] }],
    };
    const out = run({ order });
    const wire = renderRedemptions(order, out).products?.[0]?.redemptions_result;
    expect(wire).toMatchObject({
      amount: 6,
      value: 4,
      discount_value: 6,
      discount_percent: 0.6,
      action: "UPDATE",
      redeemed: [{ id: R.points, amount: 6, reward: { id: R.points, type: "POINTS" } }],
    });
    expect(wire?.redeemed[0]).not.toHaveProperty("error");
    expect(out.draws.map((d) => [d.reward_id, s(d.amount)])).toEqual([[R.points, "6"]]);
    expect(s(out.charged)).toBe("4");
    expect(out.errors).toEqual([]);
  });

  it("asks item.amount × product.amount units on a product line", () => {
    const out = run({
      order: {
        value: 30,
        products: [{ value: 30, amount: 3, redeem: [{ id: R.points, amount: 2 }] }],
      },
    });
    expect(s(out.products[0]?.amount)).toBe("6");
    expect(s(out.products[0]?.value)).toBe("24");
  });

  it("3 points × 0.1 is 0.30 exactly", () => {
    const out = run({
      order: { value: 1, products: [{ value: 1, redeem: [{ id: R.tenth, amount: 3 }] }] },
    });
    expect(s(out.products[0]?.discount_value)).toBe("0.3");
    expect(s(out.products[0]?.value)).toBe("0.7");
    expect(s(out.charged)).toBe("0.7");
  });

  it("caps at the entity value and consumes only the points needed, rounded up", () => {
    const out = run({
      order: { value: 4.95, products: [{ value: 4.95, redeem: [{ id: R.tenth, amount: 100 }] }] },
    });
    const r = out.products[0];
    expect(s(r?.amount)).toBe("50");
    expect(s(r?.discount_value)).toBe("4.95");
    expect(s(r?.value)).toBe("0");
    expect(s(r?.discount_percent)).toBe("1");
    expect(s(out.draws[0]?.amount)).toBe("50");
  });

  it("rounds the points needed up to the reward's decimals", () => {
    const twoDp = reward(R.tenth, "POINTS", { conversion_factor: 0.3, decimals: 2 });
    const out = run({
      rewards: [twoDp],
      order: { value: 1, products: [{ value: 1, redeem: [{ id: R.tenth, amount: 10 }] }] },
    });
    // 1 / 0.3 = 3.333… → 3.34 points
    expect(s(out.products[0]?.amount)).toBe("3.34");
    expect(s(out.products[0]?.value)).toBe("0");
  });

  it("uses the discounted_value as the current value of a line", () => {
    const out = run({
      order: {
        value: 10,
        products: [{ value: 10, discounted_value: 8, redeem: [{ id: R.points, amount: 20 }] }],
      },
    });
    expect(s(out.products[0]?.amount)).toBe("8");
    expect(s(out.products[0]?.discount_value)).toBe("8");
  });

  it("works on shipping and on the order", () => {
    const out = run({
      order: {
        value: 50,
        products: [{ sku: "A", value: 50 }],
        shipping: { value: 5, discounted_value: 4, redeem: [{ id: R.points, amount: 1 }] },
        redeem: [{ id: R.tenth, amount: 25 }],
      },
    });
    expect(out.shipping).toMatchObject({ action: "UPDATE" });
    expect(s(out.shipping?.value)).toBe("3");
    expect(s(out.shipping?.discount_percent)).toBe("0.25");
    expect(s(out.order_discount)).toBe("2.5");
    expect(s(out.charged)).toBe("50.5");
    expect(s(out.order.value)).toBe("50.5");
    expect(s(out.order.discount_value)).toBe("3.5");
    expect(s(out.order.amount)).toBe("25");
    expect(out.products[0]).toBeNull();
    expect(out.lines.map((l) => [s(l.order_discount), s(l.charged)])).toEqual([["2.5", "47.5"]]);
  });

  it("rejects amounts finer than the reward's decimals and a missing conversion factor", () => {
    const zero = reward(R.other, "POINTS", { conversion_factor: 0 });
    const out = run({
      rewards: [...REWARDS.filter((r) => r.id !== R.other), zero],
      order: {
        value: 10,
        products: [
          { value: 5, redeem: [{ id: R.points, amount: 1.5 }] },
          { value: 5, redeem: [{ id: R.other, amount: 1 }] },
        ],
      },
    });
    expect(out.errors).toEqual([
      { path: "order.products[0].redeem[0]", reward_id: R.points, code: "INVALID_AMOUNT" },
      { path: "order.products[1].redeem[0]", reward_id: R.other, code: "NO_CONVERSION_FACTOR" },
    ]);
    expect(s(out.charged)).toBe("10");
    expect(out.draws).toEqual([]);
  });

  it("sums every item of a reward across the order against its balance", () => {
    const out = run({
      balances: { [R.points]: 10 },
      order: {
        value: 30,
        products: [
          { value: 10, redeem: [{ id: R.points, amount: 6 }] },
          { value: 10, redeem: [{ id: R.points, amount: 6 }] },
        ],
        shipping: { value: 10, redeem: [{ id: R.points, amount: 4 }] },
      },
    });
    expect(out.products[0]?.redeemed[0]).toMatchObject({ id: R.points });
    expect(out.products[0]?.redeemed[0]?.error).toBeUndefined();
    expect(out.products[1]?.redeemed[0]).toMatchObject({ error: "INSUFFICIENT_BALANCE" });
    expect(s(out.products[1]?.redeemed[0]?.amount)).toBe("0");
    expect(out.products[1]?.action).toBe("READ");
    expect(s(out.shipping?.value)).toBe("6");
    expect(s(out.draws[0]?.amount)).toBe("10");
    expect(out.errors.map((e) => e.path)).toEqual(["order.products[1].redeem[0]"]);
  });

  it("consumes nothing on an entity already worth 0", () => {
    const out = run({
      order: { value: 0, products: [{ value: 0, redeem: [{ id: R.points, amount: 5 }] }] },
    });
    expect(s(out.products[0]?.amount)).toBe("0");
    expect(out.products[0]?.action).toBe("READ");
    expect(out.draws).toEqual([]);
  });
});

describe("computeRedemption: top-level redeem items", () => {
  it("spend POINTS units as asked, outside the order, and check the balance with the order's items", () => {
    const out = run({
      order: { value: 10, redeem: [{ id: R.points, amount: 4 }] },
      redeem: [
        { id: R.points, amount: 5 },
        { id: R.points, amount: 2 },
      ],
      balances: { [R.points]: 10 },
    });
    expect(out.direct.map((e) => [s(e.amount), e.error])).toEqual([
      ["5", undefined],
      ["0", "INSUFFICIENT_BALANCE"],
    ]);
    expect(out.errors.map((e) => e.path)).toEqual(["redeem[1]"]);
    expect(out.draws.map((d) => s(d.amount))).toEqual(["9"]);
    expect(s(out.charged)).toBe("6");
  });

  it("refuse DISCOUNT and PRODUCT rewards, which need an entity to apply to", () => {
    const out = run({
      order: {},
      redeem: [
        { id: R.pct, amount: 1 },
        { id: R.add, amount: 1 },
      ],
    });
    expect(out.direct.map((e) => e.error)).toEqual(["WRONG_TARGET", "WRONG_TARGET"]);
    expect(out.draws).toEqual([]);
  });
});
