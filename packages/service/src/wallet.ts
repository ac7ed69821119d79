import { D, toWireNumber } from "@tally/core";
import type { Database, Db } from "@tally/db";
import type { TWallet } from "@tally/schemas";
import type { Transaction } from "kysely";
import { toLineView, toRewardView } from "./views.ts";

type Executor = Db | Transaction<Database>;

/**
 * The wallet as the API shows it: unexpired lots with something left, and per
 * reward the total (expired lots never count, whether or not the expiry job ran),
 * the reserved part, the available part and the earliest expiry.
 */
export async function loadWalletView(
  db: Executor,
  opts: { accountId: string; walletId: string; customerUuid: string; now: Date },
): Promise<TWallet> {
  const rows = await db
    .selectFrom("wallet_lines as l")
    .innerJoin("rewards as r", (j) =>
      j.onRef("r.account_id", "=", "l.account_id").onRef("r.id", "=", "l.reward_id"),
    )
    .selectAll("l")
    .select([
      "r.brand_id as r_brand_id",
      "r.platforms as r_platforms",
      "r.name as r_name",
      "r.description as r_description",
      "r.type as r_type",
      "r.conditions as r_conditions",
      "r.attributes as r_attributes",
      "r.created_at as r_created_at",
      "r.updated_at as r_updated_at",
    ])
    .where("l.account_id", "=", opts.accountId)
    .where("l.wallet_id", "=", opts.walletId)
    .where("l.remaining", ">", "0")
    .where((eb) =>
      eb.or([eb("l.expiration_date", "is", null), eb("l.expiration_date", ">", opts.now)]),
    )
    .orderBy("l.issued_at")
    .orderBy("l.id")
    .execute();
  const totals = new Map<
    string,
    {
      total: InstanceType<typeof D>;
      reserved: InstanceType<typeof D>;
      expiration: Date | null;
      reward: (typeof rows)[number];
    }
  >();
  for (const row of rows) {
    const t = totals.get(row.reward_id) ?? {
      total: new D(0),
      reserved: new D(0),
      expiration: null,
      reward: row,
    };
    t.total = t.total.plus(row.remaining);
    t.reserved = t.reserved.plus(row.reserved);
    if (row.expiration_date && (!t.expiration || row.expiration_date < t.expiration))
      t.expiration = row.expiration_date;
    totals.set(row.reward_id, t);
  }
  return {
    id: opts.walletId,
    owner_id: opts.customerUuid,
    lines: rows.map((l) => toLineView(l)),
    totals: [...totals.entries()].map(([rewardId, t]) => ({
      total: toWireNumber(t.total),
      reserved: toWireNumber(t.reserved),
      available: toWireNumber(t.total.minus(t.reserved)),
      reward_id: rewardId,
      expiration_date: t.expiration ? t.expiration.toISOString() : null,
      reward: toRewardView({
        account_id: opts.accountId,
        id: rewardId,
        brand_id: t.reward.r_brand_id,
        platforms: t.reward.r_platforms,
        name: t.reward.r_name,
        description: t.reward.r_description,
        type: t.reward.r_type,
        conditions: t.reward.r_conditions,
        attributes: t.reward.r_attributes,
        created_at: t.reward.r_created_at,
        updated_at: t.reward.r_updated_at,
      }),
    })),
  };
}
