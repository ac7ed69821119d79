import { ZPreviewResponseSchema } from "@tally/schemas";
import { createBrand } from "@tally/service";
import { expect } from "vitest";
import {
  newCustomer,
  newTenant,
  purchase,
  setupApp,
  type Tenant,
  type TestContext,
} from "./helpers.ts";

export const PATH = "/events/redeem/preview";

/** The rewards of the preview tests, by key. */
export const REWARDS: Record<string, object> = {
  points: { type: "POINTS", attributes: { conversion_factor: 0.1 } },
  seed: {
    type: "POINTS",
    attributes: { conversion_factor: 0.1 },
    conditions: [
      [{ type: "Order Value", operator: "grater than", primitive: "string", value: 9.95 }],
    ],
  },
  pctProduct: {
    type: "DISCOUNT",
    attributes: { discount_type: "PERCENTAGE", value: 20, target: "PRODUCT" },
  },
  fixedProduct: {
    type: "DISCOUNT",
    attributes: { discount_type: "FIXED", value: 5, target: "PRODUCT", skus: ["SKU-1"] },
  },
  pctShipping: {
    type: "DISCOUNT",
    attributes: { discount_type: "PERCENTAGE", value: 50, target: "SHIPPING" },
  },
  fixedShipping: {
    type: "DISCOUNT",
    attributes: { discount_type: "FIXED", value: 1, target: "SHIPPING" },
  },
  pctOrder: {
    type: "DISCOUNT",
    attributes: { discount_type: "PERCENTAGE", value: 10, target: "ORDER" },
  },
  fixedOrder: {
    type: "DISCOUNT",
    attributes: { discount_type: "FIXED", value: 3, target: "ORDER" },
  },
  add: { type: "PRODUCT", attributes: { mode: "ADD", sku: "FREE-COOKIE", value: 2 } },
  replace: { type: "PRODUCT", attributes: { mode: "REPLACE", sku: "BIG", replaces_sku: "SMALL" } },
  gift: { type: "GIFT_CARD", attributes: { value: 25 } },
  big: {
    type: "DISCOUNT",
    attributes: { discount_type: "FIXED", value: 10, target: "ORDER" },
    conditions: [
      [
        {
          type: "Order Value",
          operator: "greater than",
          primitive: "currency",
          value: 100,
          message: "Spend more than 100",
        },
      ],
    ],
  },
  brand2: { type: "POINTS", brand_id: "0002", attributes: { conversion_factor: 1 } },
};

export interface PreviewFixture {
  ctx: TestContext;
  tenant: Tenant;
  customerId: string;
  ids: Record<string, string>;
}

/**
 * One app and tenant with brands 0001 and 0002, every reward above, and a customer who earned
 * through two purchases of 1000 (one per brand): 2000 of each global POINTS reward, 1000 of the
 * brand-0002 points, 10 of every other reward.
 */
export async function setupPreview(): Promise<PreviewFixture> {
  const ctx = await setupApp();
  const tenant = await newTenant(ctx);
  const ids: Record<string, string> = {};
  await createBrand(ctx.t.db, { accountId: tenant.accountId, id: "0002", name: "Brand two" });
  for (const [key, body] of Object.entries(REWARDS)) {
    const res = await tenant.server.post("/rewards", { name: key, ...body });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    ids[key] = res.body.data.id;
  }
  const effects = Object.entries(ids).map(([key, reward_id]) => ({
    reward_id,
    amount: (REWARDS[key] as { type: string }).type === "POINTS" ? 1 : 5,
    expiration_date: null,
  }));
  const campaign = await tenant.server.post("/campaigns?type=BEHAVIOR", {
    name: "Everything",
    attributes: { trigger: "PURCHASE" },
    rules: [{ conditions: [], effects }],
    withoutEndDate: true,
  });
  expect(campaign.status, JSON.stringify(campaign.body)).toBe(201);
  const customerId = await newCustomer(tenant);
  for (const brand of ["0001", "0002"]) {
    const res = await tenant.server.post("/behavior/events", {
      ...purchase(customerId, 1000),
      brand_id: brand,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  }
  return { ctx, tenant, customerId, ids };
}

/** Sends a preview for the fixture's customer in brand 0001; returns the validated order. */
export async function preview(f: PreviewFixture, order: object, over: object = {}) {
  const res = await f.tenant.server.put(PATH, {
    customer_id: f.customerId,
    brand_id: "0001",
    order,
    ...over,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return ZPreviewResponseSchema.parse(res.body.data).order;
}

/** A redeem item of the fixture's reward `key`. */
export const itemOf = (f: PreviewFixture, key: string, amount?: number) => ({
  id: f.ids[key] as string,
  ...(amount === undefined ? {} : { amount }),
});
