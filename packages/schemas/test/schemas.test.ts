import { describe, expect, it } from "vitest";
import {
  formatIssues,
  ZCampaignWriteSchema,
  ZCustomerCreateSchema,
  ZDateTimeSchema,
  ZEffectSchema,
  ZEventCreateSchema,
  ZOrderSchema,
  ZPointsAttributesSchema,
  ZRangeQuerySchema,
  ZRedeemItemSchema,
} from "../src/index.ts";

const rewardId = "3c90c3cc-0d44-4b50-8888-8dd25736052a";
// The order of the preview seed (001), as an integration sends it.
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
    },
  ],
  shipping: {
    value: 3.25,
    discounted_value: 2.25,
    redeem: [{ id: rewardId, amount: 1 }],
    tags: {},
    metadata: {},
  },
  payment_method: "CREDIT",
  redeem: [{ id: rewardId, amount: 1 }],
  metadata: {},
};

describe("request schemas", () => {
  it("accept the seed's order and ignore unknown fields such as quantity", () => {
    const parsed = ZOrderSchema.parse({ ...seedOrder, quantity: 3 });
    expect(parsed.value).toBe(20.95);
    expect(parsed.products![0]!.redeem![0]).toEqual({ id: rewardId, amount: 1 });
    expect("quantity" in parsed).toBe(false);
  });

  it("default redeem amounts to 1 and product amounts to 1", () => {
    const parsed = ZOrderSchema.parse({
      value: 5,
      products: [{ value: 5, redeem: [{ id: rewardId }] }],
    });
    expect(parsed.products![0]!.amount).toBe(1);
    expect(parsed.products![0]!.redeem![0]!.amount).toBe(1);
  });

  it("reject negative, non-finite and wrongly typed amounts, naming the path", () => {
    const bad = ZEventCreateSchema.safeParse({
      customer_id: "c",
      brand_id: "b",
      type: "PURCHASE",
      order: {
        value: -1,
        products: [{ value: "9" }],
        shipping: { value: Number.POSITIVE_INFINITY },
      },
    });
    expect(bad.success).toBe(false);
    const details = formatIssues(bad.error!);
    expect(details).toContain("order.value");
    expect(details).toContain("order.products[0].value");
    expect(details).toContain("order.shipping.value");
  });

  it("says a missing field is required and names a bad enum", () => {
    const bad = ZCustomerCreateSchema.safeParse({ gender: "OTHER" });
    expect(formatIssues(bad.error!)).toMatch(/^id: is required; gender: /);
  });

  it("bounds every amount alike: at most 10^12 and 8 decimals (redeem items, effects, point values)", () => {
    const ok = (schema: { safeParse(v: unknown): { success: boolean } }, v: unknown) =>
      schema.safeParse(v).success;
    const redeem = (amount: number) => ({ id: rewardId, amount });
    expect(ok(ZRedeemItemSchema, redeem(2 ** 53))).toBe(false);
    expect(ok(ZRedeemItemSchema, redeem(1e12 + 1))).toBe(false);
    expect(ok(ZRedeemItemSchema, redeem(0.123456789))).toBe(false);
    expect(ok(ZRedeemItemSchema, redeem(1e12))).toBe(true);
    expect(ok(ZRedeemItemSchema, redeem(0))).toBe(false);
    const effect = (amount: number) => ({ reward_id: rewardId, amount });
    expect(ok(ZEffectSchema, effect(1e-12))).toBe(false);
    expect(ok(ZEffectSchema, effect(0.1 + 0.2))).toBe(false);
    expect(ok(ZEffectSchema, effect(0.3))).toBe(true);
    expect(ok(ZEffectSchema, effect(0))).toBe(false);
    expect(ok(ZPointsAttributesSchema, { conversion_factor: 1e300 })).toBe(false);
    expect(ok(ZPointsAttributesSchema, { conversion_factor: 1e-12 })).toBe(false);
    expect(ok(ZPointsAttributesSchema, { conversion_factor: 0 })).toBe(false);
    expect(ok(ZPointsAttributesSchema, {})).toBe(false);
    expect(ok(ZPointsAttributesSchema, { conversion_factor: 0.5 })).toBe(true);
  });

  it("judges a date's year on its UTC instant, offsets included", () => {
    for (const ok of ["0001-01-01", "0001-01-01T00:00:00-01:00", "9999-12-31T23:59:59+01:00"]) {
      expect(ZDateTimeSchema.safeParse(ok).success, ok).toBe(true);
    }
    // Year 0 and year 10000 in UTC, though their text says 0001 and 9999.
    for (const bad of ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00", "2026-02-30"]) {
      expect(ZDateTimeSchema.safeParse(bad).success, bad).toBe(false);
    }
  });

  it("holds JSON sent as a string to the limits of a JSON body", () => {
    const rules = [{ conditions: [], effects: [{ reward_id: rewardId, amount: 1 }] }];
    const base = { name: "n", rules, withoutEndDate: true };
    const deep = `${'{"a":'.repeat(40)}1${"}".repeat(40)}`;
    for (const [metadata, problem] of [
      [deep, /metadata: is nested more than 32 levels deep/],
      ['{"a":"x\\u0000y"}', /metadata: must not contain NUL/],
      ['{"a":"\\ud800"}', /metadata: must be valid Unicode \(no lone surrogates\)/],
    ] as const) {
      const bad = ZCampaignWriteSchema.safeParse({ ...base, metadata });
      expect(bad.success).toBe(false);
      expect(formatIssues(bad.error!)).toMatch(problem);
    }
    expect(ZCampaignWriteSchema.safeParse({ ...base, metadata: '{"a":{"b":1}}' }).success).toBe(
      true,
    );
  });

  it("names a wrong type as a wrong type, not as a missing field", () => {
    const bad = ZCustomerCreateSchema.safeParse({ id: 42, tags: ["a"] });
    const details = formatIssues(bad.error!);
    expect(details).toMatch(/^id: .*expected string, received number/);
    expect(details).toMatch(/tags: .*expected record, received array/);
    expect(details).not.toMatch(/is required/);
  });

  it("take campaign rules and metadata as JSON or as a JSON-encoded string (both Masivo doc versions)", () => {
    const rules = [{ conditions: [], effects: [{ reward_id: rewardId, amount: 1 }] }];
    const asJson = ZCampaignWriteSchema.parse({ name: "n", rules, metadata: { a: 1 } });
    const asString = ZCampaignWriteSchema.parse({
      name: "n",
      rules: JSON.stringify(rules),
      metadata: '{"a":1}',
    });
    expect(asString.rules).toEqual(asJson.rules);
    expect(asString.metadata).toEqual({ a: 1 });
    const broken = ZCampaignWriteSchema.safeParse({ name: "n", rules: "[{" });
    expect(formatIssues(broken.error!)).toMatch(/^rules: is not valid JSON/);
  });

  it("keep dashboard {label, value} platforms and labels as their values", () => {
    const parsed = ZCampaignWriteSchema.parse({
      name: "n",
      rules: [{ effects: [{ reward_id: rewardId, amount: 1 }] }],
      platforms: [{ label: "Web", value: "web" }, "app"],
      labels: [{ label: "Summer", value: "summer" }],
    });
    expect(parsed.platforms).toEqual(["web", "app"]);
    expect(parsed.labels).toEqual(["summer"]);
  });

  it("page ranges are inclusive, ordered and at most 1000 long", () => {
    expect(ZRangeQuerySchema.parse({ from: "0", to: "9" })).toEqual({ from: 0, to: 9 });
    expect(ZRangeQuerySchema.safeParse({ from: "5", to: "4" }).success).toBe(false);
    expect(ZRangeQuerySchema.safeParse({ from: "0", to: "1000" }).success).toBe(false);
    const said = (q: object) => formatIssues(ZRangeQuerySchema.safeParse(q).error!, "query");
    expect(said({})).toBe("query.from: is required; query.to: is required");
    expect(said({ from: ["0", "1"], to: "5" })).toBe("query.from: is given more than once");
    expect(said({ from: "", to: "x" })).toBe(
      "query.from: must be a whole number; query.to: must be a whole number",
    );
  });
});
