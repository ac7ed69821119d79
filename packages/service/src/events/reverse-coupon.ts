import { codeKey, DomainError, notFound } from "@tally/core";
import type { Database } from "@tally/db";
import type { TCouponReverse, TEvent } from "@tally/schemas";
import { sql, type Transaction } from "kysely";
import { customerWithWallet } from "../customers.ts";
import { type ServiceDeps, transact } from "../deps.ts";
import { reverseEventIn } from "../spending/reverse.ts";

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

/**
 * POST /coupons/reverse {customer_id, code} (decisions §8): undoes that customer's redemption of
 * the code by the §6 reversal rules (its credits taken back, the spent part from other lots, else
 * 422 and nothing changes; budget use given back) and frees the use. Unknown code → 404
 * COUPON_NOT_FOUND; never redeemed by the customer → 404; already reversed → 409.
 */
export async function reverseCoupon(deps: ServiceDeps, accountId: string, input: TCouponReverse) {
  const now = deps.now();
  return transact(deps, async (trx) => {
    const found = await trx
      .selectFrom("coupon_codes as k")
      .leftJoin("customers as c", (j) =>
        j.onRef("c.account_id", "=", "k.account_id").on("c.id", "=", input.customer_id),
      )
      .leftJoin("coupon_redemptions as r", (j) =>
        j
          .onRef("r.account_id", "=", "k.account_id")
          .onRef("r.code_id", "=", "k.id")
          .onRef("r.customer_uuid", "=", "c.uuid"),
      )
      .select(["k.code", "c.uuid as customer_uuid", "r.event_id", "r.status"])
      .where("k.account_id", "=", accountId)
      .where(sql`lower(k.code)`, "=", codeKey(input.code))
      // The live redemption first, else the latest reversed one.
      .orderBy(sql`r.status = 'ACTIVE'`, "desc")
      .orderBy("r.created_at", "desc")
      .limit(1)
      .executeTakeFirst();
    if (!found) {
      throw new DomainError("COUPON_NOT_FOUND", `code: no coupon ${JSON.stringify(input.code)}`);
    }
    if (!found.customer_uuid) throw notFound("customer", input.customer_id);
    if (!found.event_id) {
      throw new DomainError(
        "NOT_FOUND",
        `code: customer ${JSON.stringify(input.customer_id)} has not redeemed ${JSON.stringify(found.code)}`,
      );
    }
    if (found.status !== "ACTIVE") {
      throw new DomainError(
        "CONFLICT",
        `code: the redemption of ${JSON.stringify(found.code)} by customer ${JSON.stringify(input.customer_id)} was already reversed`,
      );
    }
    const done = await reverseEventIn(trx, {
      accountId,
      id: found.event_id,
      reason: "coupon reversed",
      now,
    });
    const current = await customerWithWallet(trx, accountId, done.customer, now, {
      walletId: done.walletId,
    });
    const result = done.event.result as TEvent["result"];
    return {
      ...current,
      event_id: done.event.id,
      /** The rows this reversal wrote. */
      transactions: (result?.transactions ?? []).filter(
        (t) => t.type === "REVERSAL" || t.type === "EXPIRATION",
      ),
    };
  });
}
