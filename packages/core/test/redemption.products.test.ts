import { describe, expect, it } from "vitest";
import { dec } from "../src/decimal.ts";
import { computeRedemption } from "../src/redemption/compute.ts";
import { renderRedemptions } from "../src/redemption/wire.ts";
import { customer, NOW } from "./fixtures.ts";
import { R, REWARDS, reward, run, s } from "./redemption-fixtures.ts";

const codes = (out: ReturnType<typeof run>) => out.errors.map((e) => [e.path, e.code]);

describe("computeRedemption: PRODUCT, GIFT_CARD, brands and conditions", () => {
  it("ADD appends a free line with action CREATE", () => {
    const order = { value: 10, products: [{ sku: "A", value: 10 }], redeem: [{ id: R.add }] };
    const out = run({ order });
    const wire = renderRedemptions(order, out);
    expect(wire.products).toHaveLength(2);
    expect(wire.products?.[0]).toEqual({ sku: "A", value: 10 });
    expect(wire.products?.[1]).toMatchObject({
      sku: "FREE-1",
      amount: 1,
      value: 0,
      redemptions_result: { action: "CREATE", amount: 1, value: 0, discount_value: 0 },
    });
    expect(wire.redemptions_result).toMatchObject({ action: "UPDATE", value: 10, amount: 1 });
    expect(s(out.charged)).toBe("10");
    expect(s(out.draws[0]?.amount)).toBe("1");
  });

  it("ADD works on an order without product lines", () => {
    const order = { value: 10, redeem: [{ id: R.add, amount: 2 }] };
    const wire = renderRedemptions(order, run({ order }));
    expect(wire.products).toEqual([
      expect.objectContaining({ sku: "FREE-1", amount: 2, value: 0 }),
    ]);
  });

  it("REPLACE removes the line and appends the new one at its value after line discounts", () => {
    const order = {
      value: 16,
      products: [
        { sku: "SMALL", amount: 2, value: 6, redeem: [{ id: R.points, amount: 1 }] },
        { sku: "OTHER", value: 10 },
      ],
      redeem: [{ id: R.swap }, { id: R.pct }],
    };
    const out = run({ order });
    const wire = renderRedemptions(order, out);
    expect(wire.products?.map((p) => [p.sku, p.redemptions_result?.action])).toEqual([
      ["SMALL", "REMOVE"],
      ["OTHER", undefined],
      ["BIG", "CREATE"],
    ]);
    expect(wire.products?.[2]).toMatchObject({ amount: 2, value: 4 });
    expect(out.created[0]?.replaces).toBe(0);
    // 10% of (4 + 10) = 1.40 over the live lines OTHER and BIG
    expect(out.lines.map((l) => [l.action, s(l.order_discount), s(l.charged)])).toEqual([
      ["REMOVE", "0", "0"],
      ["READ", "1", "9"],
      ["CREATE", "0.4", "3.6"],
    ]);
    expect(s(out.charged)).toBe("12.6");
    expect(out.draws.map((d) => [d.reward_id, s(d.amount)])).toEqual([
      [R.points, "2"],
      [R.swap, "1"],
      [R.pct, "1"],
    ]);
  });

  it("REPLACE without the line, or below the order level, is an item error", () => {
    const out = run({
      order: {
        value: 10,
        products: [{ sku: "A", value: 10, redeem: [{ id: R.add }] }],
        shipping: { value: 1, redeem: [{ id: R.swap }] },
        redeem: [{ id: R.swap }],
      },
    });
    expect(codes(out)).toEqual([
      ["order.products[0].redeem[0]", "WRONG_TARGET"],
      ["order.shipping.redeem[0]", "WRONG_TARGET"],
      ["order.redeem[0]", "PRODUCT_NOT_IN_ORDER"],
    ]);
    expect(out.created).toEqual([]);
  });

  it("reports GIFT_CARD, unknown rewards and another brand's reward", () => {
    const out = run({
      order: { value: 10, redeem: [{ id: R.gift }, { id: R.missing }, { id: R.other }] },
    });
    expect(codes(out)).toEqual([
      ["order.redeem[0]", "GIFT_CARD_NOT_REDEEMABLE"],
      ["order.redeem[1]", "REWARD_NOT_FOUND"],
      ["order.redeem[2]", "WRONG_BRAND"],
    ]);
    expect(out.order.redeemed[1]).toMatchObject({ id: R.missing, reward: null });
    expect(out.order.redeemed[0]?.reward).toEqual({ id: R.gift, type: "GIFT_CARD" });
    expect(
      run({ brandId: "brand-b", order: { value: 10, redeem: [{ id: R.other }] } }).errors,
    ).toEqual([]);
    expect(codes(run({ brandId: null, order: { value: 10, redeem: [{ id: R.other }] } }))).toEqual([
      ["order.redeem[0]", "WRONG_BRAND"],
    ]);
  });

  it("checks reward conditions against the order, the customer and the line", () => {
    const min = reward(
      R.points,
      "POINTS",
      { conversion_factor: 1 },
      {
        conditions: [
          [{ type: "Order Value", operator: "grater than", primitive: "string", value: 9.95 }],
        ],
      },
    );
    const line = reward(
      R.tenth,
      "POINTS",
      { conversion_factor: 1 },
      {
        conditions: [
          [
            {
              type: "Product Amount",
              operator: "greater than or equal to",
              primitive: "number",
              value: 2,
              message: "Buy two or more",
            },
          ],
        ],
      },
    );
    const out = run({
      rewards: [min, line],
      order: {
        value: 9,
        products: [
          { sku: "A", amount: 1, value: 4, redeem: [{ id: R.tenth }, { id: R.points }] },
          { sku: "B", amount: 2, value: 5, redeem: [{ id: R.tenth, amount: 1 }] },
        ],
      },
    });
    expect(out.errors).toEqual([
      {
        path: "order.products[0].redeem[0]",
        reward_id: R.tenth,
        code: "CONDITION_NOT_MET",
        requirement: "Buy two or more",
      },
      {
        path: "order.products[0].redeem[1]",
        reward_id: R.points,
        code: "CONDITION_NOT_MET",
        requirement: "Order Value must be greater than 9.95",
      },
    ]);
    expect(s(out.products[1]?.value)).toBe("3");
    expect(out.products[0]?.redeemed[0]?.requirement).toBe("Buy two or more");
  });

  it("checks customer conditions and fails them without a customer", () => {
    const vip = reward(
      R.points,
      "POINTS",
      { conversion_factor: 1 },
      {
        conditions: [
          [{ type: "Customer Country", operator: "equal to", primitive: "string", value: "MX" }],
        ],
      },
    );
    const order = { value: 5, redeem: [{ id: R.points }] };
    expect(run({ rewards: [vip], order }).errors).toEqual([]);
    expect(
      run({ rewards: [vip], order, customer: customer({ country: "AR" }) }).errors,
    ).toHaveLength(1);
    expect(run({ rewards: [vip], order, customer: null }).errors[0]?.code).toBe(
      "CONDITION_NOT_MET",
    );
  });

  it("gives READ to redeem arrays that changed nothing and leaves other entities alone", () => {
    const order = {
      value: 10,
      products: [
        { sku: "A", value: 10, redeem: [] },
        { sku: "B", value: 0 },
      ],
      shipping: { value: 2 },
      redeem: [],
    };
    const out = run({ order });
    const wire = renderRedemptions(order, out);
    expect(wire.products?.[0]?.redemptions_result).toEqual({
      redeemed: [],
      amount: 0,
      discount_value: 0,
      discount_percent: 0,
      value: 10,
      action: "READ",
    });
    expect(wire.products?.[1]).not.toHaveProperty("redemptions_result");
    expect(wire.shipping).not.toHaveProperty("redemptions_result");
    expect(wire.redemptions_result).toMatchObject({ action: "READ", value: 12 });
  });

  it("leaves the balances it was given untouched", () => {
    const balances = new Map([[R.points, dec(5)]]);
    const out = computeRedemption({
      order: { value: 10, redeem: [{ id: R.points, amount: 5 }] },
      brandId: "brand-a",
      rewards: new Map(REWARDS.map((r) => [r.id, r])),
      balances,
      customer: null,
      now: NOW,
    });
    expect(s(out.draws[0]?.amount)).toBe("5");
    expect(s(balances.get(R.points))).toBe("5");
  });
});
