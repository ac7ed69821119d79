import type { Db } from "@tally/db";
import { ZCampaignWriteSchema, ZTierWriteSchema } from "@tally/schemas";
import {
  createCampaign,
  createTier,
  createWebhookSubscription,
  emitEvent,
  type Principal,
  type ServiceDeps,
} from "@tally/service";
import { newAccount } from "@tally/service/testing";

/** Deps of a test: real clock, local receivers allowed. */
export const depsOf = (db: Db): ServiceDeps => ({
  db,
  now: () => new Date(),
  allowPrivateWebhookUrls: true,
});

/**
 * An account with brand "0001", a POINTS reward, a PURCHASE campaign (1 point per unit, 12
 * months), a Gold tier from 1000 spent (left under 500), a COUPONS campaign of 100 points, and a
 * subscription to every event at `url`.
 */
export async function webhookAccount(db: Db, url: string | null) {
  const deps = depsOf(db);
  const { accountId, rewardId } = await newAccount(db, deps.now);
  await createCampaign(
    deps,
    accountId,
    "BEHAVIOR",
    ZCampaignWriteSchema.parse({
      name: "1 point per unit spent",
      attributes: { trigger: "PURCHASE" },
      status: "ACTIVE",
      rules: [
        {
          conditions: [],
          effects: [{ reward_id: rewardId, amount: 1, expiration_date: "12/months" }],
        },
      ],
      withoutEndDate: true,
    }),
  );
  const spend = (operator: string, value: number) => [
    [{ type: "Customer Spend Total", operator, primitive: "currency", value }],
  ];
  const gold = await createTier(
    deps,
    accountId,
    ZTierWriteSchema.parse({
      name: "Gold",
      level: 2,
      entry_conditions: spend("greater than or equal to", 1000),
      exit_conditions: spend("less than", 500),
    }),
  );
  const coupon = await createCampaign(
    deps,
    accountId,
    "COUPONS",
    ZCampaignWriteSchema.parse({
      name: "Welcome coupon",
      rules: [
        {
          conditions: [],
          effects: [
            { reward_id: rewardId, amount: 100, expiration_date: "1/months", calculation: "FIXED" },
          ],
        },
      ],
      withoutEndDate: true,
      quantity: 5,
    }),
  );
  const subscription = url ? await createWebhookSubscription(deps, accountId, { url }) : null;
  const principal: Principal = { accountId, keyId: "test", kind: "SERVER" };
  const purchase = (customerId: string, value: number, extra: Record<string, unknown> = {}) =>
    emitEvent(deps, principal, {
      customer_id: customerId,
      brand_id: "0001",
      type: "PURCHASE",
      order: { value },
      ...extra,
    } as never);
  return {
    deps,
    accountId,
    rewardId,
    goldId: gold.id,
    couponCampaignId: coupon.id,
    subscription,
    principal,
    purchase,
  };
}
