import { describe, expect, it } from "vitest";
import { formatIssues, ZPreviewRequestSchema, ZPreviewResponseSchema } from "../src/index.ts";

const rewardId = "3c90c3cc-0d44-4b50-8888-8dd25736052a";
const reward = {
  id: rewardId,
  brand_id: "<string>",
  platforms: null,
  name: "<string>",
  description: "<string>",
  type: "POINTS",
  conditions: [
    [{ type: "Order Value", operator: "grater than", primitive: "string", value: 9.95 }],
  ],
  attributes: { conversion_factor: 0.1 },
};
const result = {
  redeemed: [{ id: rewardId, amount: 1, reward, error: "INSUFFICIENT_BALANCE" }],
  amount: 123,
  discount_value: 123,
  discount_percent: 0.5,
  value: 123,
  action: "UPDATE",
};
// The seed (001) body: redemptions_result sent by a client is accepted and ignored.
const seedOrder = {
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
      redeem: [{ id: rewardId, amount: 1 }],
      tags: {},
      metadata: {},
      redemptions_result: result,
    },
  ],
  shipping: {
    value: 3.25,
    discounted_value: 2.25,
    redeem: [{ id: rewardId, amount: 1 }],
    tags: {},
    metadata: {},
    redemptions_result: result,
  },
  payment_method: "CREDIT",
  redeem: [{ id: rewardId, amount: 1 }],
  metadata: {},
  redemptions_result: result,
};

describe("preview schemas", () => {
  it("parses the seed request and drops the client's redemptions_result", () => {
    const parsed = ZPreviewRequestSchema.parse({
      customer_id: "<string>",
      brand_id: "<string>",
      order: seedOrder,
    });
    expect(parsed.order.products?.[0]).not.toHaveProperty("redemptions_result");
    expect(parsed.order).not.toHaveProperty("redemptions_result");
  });

  it("validates the seed response shape", () => {
    const data = { customer_id: "<string>", brand_id: "<string>", order: seedOrder };
    const parsed = ZPreviewResponseSchema.parse(data);
    expect(parsed.order.redemptions_result?.action).toBe("UPDATE");
    expect(parsed.order.shipping?.redemptions_result?.redeemed[0]?.reward?.id).toBe(rewardId);
  });

  it("names each bad field", () => {
    const bad = ZPreviewRequestSchema.safeParse({
      brand_id: "0001",
      order: { value: -1, redeem: [{ id: "nope" }] },
    });
    expect(bad.success).toBe(false);
    const details = bad.success ? "" : formatIssues(bad.error);
    expect(details).toMatch(/customer_id: is required/);
    expect(details).toMatch(/order\.value/);
    expect(details).toMatch(/order\.redeem\[0\]\.id/);
  });

  it("rejects a result outside the contract", () => {
    const order = { ...seedOrder, redemptions_result: { ...result, action: "DELETE" } };
    expect(
      ZPreviewResponseSchema.safeParse({ customer_id: "c", brand_id: "b", order }).success,
    ).toBe(false);
  });
});
