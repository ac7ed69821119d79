import type { Database } from "@tally/db";
import { sql, type Transaction } from "kysely";

type Trx = Transaction<Database>;

/**
 * Gives a reversed coupon redemption's use back: the redemption becomes REVERSED, the code's
 * uses and the campaign's quantity count drop by one (code row, then the campaign's usage row:
 * the lock order of redeem). Called with the wallet and the event locked.
 */
export async function releaseCouponUse(
  trx: Trx,
  opts: { accountId: string; eventId: string; now: Date },
): Promise<void> {
  const r = await trx
    .updateTable("coupon_redemptions")
    .set({ status: "REVERSED", reversed_at: opts.now })
    .where("account_id", "=", opts.accountId)
    .where("event_id", "=", opts.eventId)
    .where("status", "=", "ACTIVE")
    .returning(["code_id", "campaign_id"])
    .executeTakeFirst();
  if (!r) return;
  await trx
    .updateTable("coupon_codes")
    .set({ uses_count: sql`greatest(uses_count - 1, 0)` })
    .where("account_id", "=", opts.accountId)
    .where("id", "=", r.code_id)
    .execute();
  await trx
    .updateTable("coupon_usage")
    .set({ uses: sql`greatest(uses - 1, 0)` })
    .where("account_id", "=", opts.accountId)
    .where("campaign_id", "=", r.campaign_id)
    .execute();
}
