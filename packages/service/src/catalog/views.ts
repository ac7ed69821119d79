import { campaignReadStatus, toWireNumber } from "@tally/core";
import type { Database } from "@tally/db";
import type { TCampaign, TReward, TTier } from "@tally/schemas";
import type { Selectable } from "kysely";
import { iso, obj } from "../kernel/index.ts";

type Row<T extends keyof Database> = Selectable<Database[T]>;

/** Reward row → wire Reward. */
export function toRewardView(r: Row<"rewards">): TReward {
  return {
    id: r.id,
    brand_id: r.brand_id,
    platforms: (r.platforms as string[] | null) ?? null,
    name: r.name,
    description: r.description,
    type: r.type,
    conditions: r.conditions as TReward["conditions"],
    attributes: obj(r.attributes),
  };
}

/** Tier row → wire Tier. */
export function toTierView(t: Row<"tiers">): TTier {
  return {
    id: t.id,
    name: t.name,
    description: t.description,
    status: t.status,
    level: t.level,
    entry_conditions: t.entry_conditions as TTier["entry_conditions"],
    exit_conditions: t.exit_conditions as TTier["exit_conditions"],
  };
}

/** Campaign row → wire Campaign with the read status derived from the dates. */
export function toCampaignView(c: Row<"campaigns">, now: Date): TCampaign {
  return {
    id: c.id,
    type: c.type,
    brand_id: c.brand_id,
    platforms: (c.platforms as string[] | null) ?? null,
    name: c.name,
    description: c.description,
    rules: c.rules as TCampaign["rules"],
    attributes: { ...obj(c.attributes), trigger: c.trigger, privacy: c.privacy },
    status: campaignReadStatus(c, now),
    start_date: c.start_date.toISOString(),
    end_date: iso(c.end_date),
    funded_by: c.funded_by,
    budget: c.budget === null ? null : toWireNumber(c.budget),
    divide_budget_in: c.divide_budget_in,
    labels: (c.labels as string[]) ?? [],
    metadata: obj(c.metadata),
    quantity: c.quantity,
    ...(c.type === "REFERRALS"
      ? { referee_rules: (c.referee_rules as TCampaign["rules"]) ?? [] }
      : {}),
  };
}
