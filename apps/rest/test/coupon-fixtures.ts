import { expect } from "vitest";
import type { Tenant } from "./helpers.ts";

/** A POINTS reward (conversion 0.1) and a running COUPONS campaign crediting `points` FIXED. */
export async function couponProgram(
  tenant: Tenant,
  opts: { points?: number; conditions?: unknown[]; extra?: Record<string, unknown> } = {},
) {
  const reward = await tenant.server.post("/rewards", {
    name: "Coupon points",
    type: "POINTS",
    attributes: { conversion_factor: 0.1 },
  });
  expect(reward.status).toBe(201);
  const rewardId = reward.body.data.id as string;
  const res = await tenant.server.post("/campaigns?type=COUPONS", couponBody(rewardId, opts));
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  const campaignId = res.body.data.id as string;
  return { rewardId, campaignId, codes: await codesOf(tenant, campaignId) };
}

export function couponBody(
  rewardId: string,
  opts: { points?: number; conditions?: unknown[]; extra?: Record<string, unknown> } = {},
) {
  return {
    name: "Welcome coupon",
    rules: [
      {
        conditions: opts.conditions ?? [],
        effects: [
          {
            reward_id: rewardId,
            amount: opts.points ?? 100,
            expiration_date: "1/months",
            calculation: "FIXED",
          },
        ],
      },
    ],
    withoutEndDate: true,
    quantity: 5,
    ...opts.extra,
  };
}

/** The campaign's codes as `GET /campaigns/{id}?include=CODES` lists them. */
export async function codesOf(tenant: Tenant, campaignId: string) {
  const res = await tenant.server.get(`/campaigns/${campaignId}?include=CODES`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.data.codes as {
    id: string;
    code: string;
    max_uses: number | null;
    uses_count: number;
  }[];
}
