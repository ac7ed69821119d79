import type { Database } from "@tally/db";
import type { TCodesSummary, TCouponCode } from "@tally/schemas";
import { type Selectable, sql } from "kysely";
import type { Executor } from "../kernel/index.ts";

/** A COUPONS campaign's codes, oldest first (the `include=CODES` extension). */
export async function listCampaignCodes(
  db: Executor,
  accountId: string,
  campaignId: string,
): Promise<TCouponCode[]> {
  const rows = await db
    .selectFrom("coupon_codes")
    .selectAll()
    .where("account_id", "=", accountId)
    .where("campaign_id", "=", campaignId)
    .orderBy("id")
    .execute();
  return rows.map((r) => ({
    id: r.id,
    code: r.code,
    max_uses: r.max_uses,
    uses_count: r.uses_count,
    created_at: r.created_at.toISOString(),
  }));
}

/**
 * Per COUPONS campaign: `total` codes, `used` codes (redeemed at least once), `available`
 * codes that can still be redeemed (0 once `quantity` is reached), `redemptions` made and
 * `remaining` redemptions under `quantity` (null when uncapped).
 */
export async function summariseCodes(
  db: Executor,
  accountId: string,
  campaigns: Pick<Selectable<Database["campaigns"]>, "id" | "type" | "quantity">[],
): Promise<Map<string, TCodesSummary>> {
  const coupons = campaigns.filter((c) => c.type === "COUPONS");
  const out = new Map<string, TCodesSummary>();
  if (coupons.length === 0) return out;
  const rows = await db
    .selectFrom("coupon_codes")
    .select([
      "campaign_id",
      sql<string>`count(*)`.as("total"),
      sql<string>`count(*) filter (where uses_count > 0)`.as("used"),
      sql<string>`count(*) filter (where max_uses is null or uses_count < max_uses)`.as("open"),
      sql<string>`coalesce(sum(uses_count), 0)`.as("redemptions"),
    ])
    .where("account_id", "=", accountId)
    .where(
      "campaign_id",
      "in",
      coupons.map((c) => c.id),
    )
    .groupBy("campaign_id")
    .execute();
  const byId = new Map(rows.map((r) => [r.campaign_id, r]));
  for (const c of coupons) {
    const r = byId.get(c.id);
    const redemptions = Number(r?.redemptions ?? 0);
    const remaining = c.quantity === null ? null : Math.max(c.quantity - redemptions, 0);
    out.set(c.id, {
      total: Number(r?.total ?? 0),
      used: Number(r?.used ?? 0),
      available: remaining === 0 ? 0 : Number(r?.open ?? 0),
      redemptions,
      remaining,
    });
  }
  return out;
}
