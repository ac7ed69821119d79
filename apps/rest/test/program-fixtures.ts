import { expect } from "vitest";
import type { Tenant } from "./helpers.ts";

/** A GIFT_CARD reward with `codes` in its pool. */
export async function giftCardReward(tenant: Tenant, codes: string[], value = 25) {
  const reward = await tenant.server.post("/rewards", {
    name: "Gift card",
    type: "GIFT_CARD",
    attributes: { value },
  });
  expect(reward.status).toBe(201);
  const id = reward.body.data.id as string;
  if (codes.length) {
    const res = await tenant.server.post(`/rewards/${id}/gift-cards`, {
      codes: codes.map((code) => ({ code })),
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  }
  return id;
}

/** A POINTS reward (conversion 0.1). */
export async function pointsReward(tenant: Tenant) {
  const res = await tenant.server.post("/rewards", {
    name: "Points",
    type: "POINTS",
    attributes: { conversion_factor: 0.1 },
  });
  expect(res.status).toBe(201);
  return res.body.data.id as string;
}

/** A running campaign of `type` giving `amount` of `rewardId` (FIXED) per match. */
export async function programCampaign(
  tenant: Tenant,
  type: "BEHAVIOR" | "PUNCH_CARDS" | "REFERRALS",
  rewardId: string,
  extra: Record<string, unknown> = {},
  amount = 1,
) {
  const res = await tenant.server.post(`/campaigns?type=${type}`, {
    name: `${type} campaign`,
    attributes: { trigger: "PURCHASE" },
    rules: [{ conditions: [], effects: [{ reward_id: rewardId, amount, calculation: "FIXED" }] }],
    withoutEndDate: true,
    ...extra,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.data.id as string;
}

/** The customer's balance of a reward (0 when none). */
export async function balanceOf(tenant: Tenant, customerId: string, rewardId: string) {
  const res = await tenant.server.get(`/customers/${customerId}`);
  expect(res.status).toBe(200);
  const total = (res.body.data.wallet.totals as { reward_id: string; total: number }[]).find(
    (t) => t.reward_id === rewardId,
  );
  return total?.total ?? 0;
}

/**
 * A running REFERRALS campaign: the referrer earns `referrerAmount` of `referrerReward`, the
 * referee `refereeAmount` of `refereeReward` (FIXED by default).
 */
export async function referralCampaign(
  tenant: Tenant,
  o: {
    referrerReward: string;
    refereeReward: string;
    referrerAmount?: number;
    refereeAmount?: number;
    extra?: Record<string, unknown>;
  },
) {
  const res = await tenant.server.post("/campaigns?type=REFERRALS", {
    name: "Bring a friend",
    rules: [
      { conditions: [], effects: [{ reward_id: o.referrerReward, amount: o.referrerAmount ?? 1 }] },
    ],
    referee_rules_json: [
      { conditions: [], effects: [{ reward_id: o.refereeReward, amount: o.refereeAmount ?? 1 }] },
    ],
    withoutEndDate: true,
    ...o.extra,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.data.id as string;
}

/** The customer's referral code for the campaign (created or existing). */
export async function codeFor(tenant: Tenant, customerId: string, campaignId: string) {
  const res = await tenant.server.post(`/customers/${customerId}/referrals/request-code`, {
    campaign_id: campaignId,
  });
  expect([200, 201], JSON.stringify(res.body)).toContain(res.status);
  return res.body.data.code as string;
}

/** A REFERRALS campaign: the referrer gets 500 points, the referee 200 (FIXED by default). */
export async function referralProgram(tenant: Tenant, extra: Record<string, unknown> = {}) {
  const rewardId = await pointsReward(tenant);
  const campaignId = await referralCampaign(tenant, {
    referrerReward: rewardId,
    refereeReward: rewardId,
    referrerAmount: 500,
    refereeAmount: 200,
    // The referee's rules as a JSON string, as Masivo's rules_json fields may come.
    extra: {
      referee_rules_json: JSON.stringify([
        { conditions: [], effects: [{ reward_id: rewardId, amount: 200 }] },
      ]),
      ...extra,
    },
  });
  return { rewardId, campaignId };
}
