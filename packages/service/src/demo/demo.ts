import type { Db } from "@tally/db";
import { createAccount, createApiKey, createBrand, hashKey } from "../accounts/index.ts";
import { createCampaign, createReward } from "../catalog/index.ts";
import { createCustomer } from "../events/index.ts";
import type { ServiceDeps } from "../kernel/index.ts";

export interface DemoAccount {
  accountId: string;
  serverKey: string;
  clientKey: string;
  brandId: string;
  rewardId: string;
  campaignId: string;
  customerId: string;
}

/**
 * Creates the demo account once: a brand "0001", a POINTS reward worth 0.10 a
 * point, a running PURCHASE campaign (1 point per unit spent, expiring in 12
 * months) and a customer "demo-customer". `serverKey` may be fixed (DEMO_API_KEY).
 */
export async function seedDemo(
  deps: ServiceDeps,
  opts: { serverKey?: string | undefined } = {},
): Promise<DemoAccount> {
  const { id: accountId } = await createAccount(deps.db, { name: "Demo" });
  const server = await createApiKey(deps.db, {
    accountId,
    kind: "SERVER",
    name: "demo server key",
    key: opts.serverKey,
  });
  const client = await createApiKey(deps.db, {
    accountId,
    kind: "CLIENT",
    name: "demo client key",
  });
  const brandId = "0001";
  await createBrand(deps.db, { accountId, id: brandId, name: "Demo brand" });
  const reward = await createReward(deps, accountId, {
    name: "Points",
    description: "1 point = 0.10",
    type: "POINTS",
    brand_id: null,
    conditions: [],
    attributes: { conversion_factor: 0.1 },
  });
  const campaign = await createCampaign(deps, accountId, "BEHAVIOR", {
    name: "1 point per unit spent",
    attributes: { trigger: "PURCHASE" },
    status: "ACTIVE",
    rules: [
      {
        conditions: [],
        effects: [{ reward_id: reward.id, amount: 1, expiration_date: "12/months" }],
      },
    ],
    withoutEndDate: true,
  });
  const customerId = "demo-customer";
  await createCustomer(deps, accountId, {
    id: customerId,
    name: "Demo Customer",
    email: "demo@example.com",
    is_anonymous: false,
  });
  return {
    accountId,
    serverKey: server.key,
    clientKey: client.key,
    brandId,
    rewardId: reward.id,
    campaignId: campaign.id,
    customerId,
  };
}

/** The demo account if one exists already (by name), so restarts keep their data. */
export async function findDemoAccount(db: Db): Promise<string | undefined> {
  const row = await db
    .selectFrom("accounts")
    .select("id")
    .where("name", "=", "Demo")
    .executeTakeFirst();
  return row?.id;
}

/**
 * Makes `key` a SERVER key of the demo account (DEMO_API_KEY on a later start, say after the
 * first key was lost): "present" if it is one already, "added" if it was added, "taken" if it
 * is another key (another account's, or a CLIENT or revoked key).
 */
export async function ensureDemoKey(
  db: Db,
  accountId: string,
  key: string,
): Promise<"present" | "added" | "taken"> {
  const holder = await db
    .selectFrom("api_keys")
    .select(["account_id", "kind", "revoked_at"])
    .where("key_hash", "=", hashKey(key))
    .executeTakeFirst();
  if (holder)
    return holder.account_id === accountId && holder.kind === "SERVER" && !holder.revoked_at
      ? "present"
      : "taken";
  await createApiKey(db, { accountId, kind: "SERVER", name: "DEMO_API_KEY", key });
  return "added";
}
