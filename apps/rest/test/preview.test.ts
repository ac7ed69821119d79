import { ZPreviewResponseSchema } from "@tally/schemas";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { expectLedgerBalanced } from "./helpers.ts";
import { itemOf, PATH, type PreviewFixture, preview, setupPreview } from "./preview-fixtures.ts";

let f: PreviewFixture;
beforeAll(async () => {
  f = await setupPreview();
});
afterEach(async () => {
  await expectLedgerBalanced(f.ctx);
});
afterAll(() => f.ctx.t.destroy());

const SEED_RESULT_KEYS = [
  "action",
  "amount",
  "discount_percent",
  "discount_value",
  "redeemed",
  "value",
];

describe("PUT /events/redeem/preview", () => {
  it("answers the seed request in the seed's shape", async () => {
    const id = f.ids.seed as string;
    const clientResult = {
      redeemed: [],
      amount: 123,
      discount_value: 123,
      discount_percent: 0.5,
      value: 123,
      action: "UPDATE",
    };
    const order = {
      purchase_id: "<string>",
      channel_id: "<string>",
      store_id: "<string>",
      value: 20.95,
      discounted_value: 10.95,
      products: [
        {
          sku: "<string>",
          amount: 123,
          value: 123,
          discounted_value: 123,
          redeem: [{ id, amount: 1 }],
          tags: {},
          metadata: {},
          redemptions_result: clientResult,
        },
      ],
      shipping: {
        value: 3.25,
        discounted_value: 2.25,
        redeem: [{ id, amount: 1 }],
        tags: {},
        metadata: {},
        redemptions_result: clientResult,
      },
      payment_method: "CREDIT",
      redeem: [{ id, amount: 1 }],
      metadata: {},
      redemptions_result: clientResult,
    };
    const res = await f.tenant.server.put(PATH, {
      customer_id: f.customerId,
      brand_id: "0001",
      order,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(Object.keys(res.body)).toEqual(["data"]);
    const data = ZPreviewResponseSchema.parse(res.body.data);
    expect(data).toMatchObject({ customer_id: f.customerId, brand_id: "0001" });
    const o = data.order;
    expect(o).toMatchObject({
      purchase_id: "<string>",
      value: 20.95,
      discounted_value: 10.95,
      payment_method: "CREDIT",
    });
    const reward = {
      id,
      brand_id: null,
      type: "POINTS",
      attributes: { conversion_factor: 0.1, decimals: 0 },
    };
    // 1 point per unit × 123 units at 0.1 → 12.30 off the line
    expect(o.products?.[0]?.redemptions_result).toEqual({
      redeemed: [{ id, amount: 123, reward: expect.objectContaining(reward) }],
      amount: 123,
      discount_value: 12.3,
      discount_percent: 0.1,
      value: 110.7,
      action: "UPDATE",
    });
    expect(o.shipping?.redemptions_result).toMatchObject({
      amount: 1,
      discount_value: 0.1,
      discount_percent: 0.0444,
      value: 2.15,
      action: "UPDATE",
    });
    // charged = (110.70 − 0.10) + 2.15; original = 123 + 2.25
    expect(o.redemptions_result).toMatchObject({
      amount: 1,
      value: 112.75,
      discount_value: 12.5,
      discount_percent: 0.0998,
      action: "UPDATE",
    });
    for (const r of [o.products?.[0], o.shipping, o].map((e) => e?.redemptions_result)) {
      expect(Object.keys(r ?? {}).sort()).toEqual(SEED_RESULT_KEYS);
      expect(r?.redeemed[0]).not.toHaveProperty("error");
    }
    expect(o.products?.[0]).toMatchObject({ tags: {}, metadata: {}, redeem: [{ id, amount: 1 }] });
  });

  it("redeems POINTS on a product, on shipping and on the order", async () => {
    const o = await preview(f, {
      value: 10,
      products: [{ sku: "A", value: 10, redeem: [itemOf(f, "points", 30)] }],
      shipping: { value: 5, redeem: [itemOf(f, "points", 10)] },
      redeem: [itemOf(f, "points", 100)],
    });
    expect(o.products?.[0]?.redemptions_result).toMatchObject({ value: 7, amount: 30 });
    expect(o.shipping?.redemptions_result).toMatchObject({ value: 4, amount: 10 });
    // the order's points are capped at what is left of the merchandise (7): 70 points
    expect(o.redemptions_result).toMatchObject({ value: 4, amount: 70, discount_value: 11 });
  });

  it("applies PERCENTAGE and FIXED discounts on each target", async () => {
    const o = await preview(f, {
      value: 80,
      products: [
        { sku: "SKU-2", value: 50, redeem: [itemOf(f, "pctProduct")] },
        { sku: "SKU-1", amount: 2, value: 30, redeem: [itemOf(f, "fixedProduct")] },
      ],
      shipping: { value: 10, redeem: [itemOf(f, "pctShipping"), itemOf(f, "fixedShipping")] },
      redeem: [itemOf(f, "pctOrder"), itemOf(f, "fixedOrder")],
    });
    expect(o.products?.[0]?.redemptions_result).toMatchObject({ value: 40, discount_percent: 0.2 });
    expect(o.products?.[1]?.redemptions_result).toMatchObject({ value: 20, amount: 2 });
    expect(o.shipping?.redemptions_result).toMatchObject({ value: 4, amount: 2 });
    // (40 + 20) − 10% − 3 = 51, plus shipping 4
    expect(o.redemptions_result).toMatchObject({ value: 55, amount: 2, discount_value: 35 });
  });

  it("adds and replaces products at order level", async () => {
    const o = await preview(f, {
      value: 14,
      products: [
        { sku: "SMALL", value: 4 },
        { sku: "OTHER", value: 10 },
      ],
      redeem: [itemOf(f, "add"), itemOf(f, "replace")],
    });
    expect(o.products?.map((p) => [p.sku, p.value, p.redemptions_result?.action])).toEqual([
      ["SMALL", 4, "REMOVE"],
      ["OTHER", 10, undefined],
      ["FREE-COOKIE", 0, "CREATE"],
      ["BIG", 4, "CREATE"],
    ]);
    expect(o.products?.[2]?.redemptions_result?.redeemed[0]?.reward?.id).toBe(f.ids.add);
    expect(o.redemptions_result).toMatchObject({ value: 14, amount: 2, action: "UPDATE" });
  });
});
