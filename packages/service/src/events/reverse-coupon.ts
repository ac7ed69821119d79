import { codeKey, DomainError, notFound } from "@tally/core";
import type { TCouponReverse, TEvent } from "@tally/schemas";
import { sql } from "kysely";
import { customerWithWallet } from "../customers/index.ts";
import { type ServiceDeps, transact } from "../kernel/index.ts";
import { reverseEventIn } from "./spending/reverse.ts";

/**
 * POST /coupons/reverse {customer_id, code} (docs/api-decisions.md#coupon-reverse): undoes that customer's redemption of
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
