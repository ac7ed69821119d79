import type { Accrual } from "@tally/core";
import type { Database } from "@tally/db";
import type { TCouponRedeem, TWalletLine } from "@tally/schemas";
import { type Selectable, sql, type Transaction } from "kysely";
import { newId } from "../kernel/index.ts";
import { accrualRows, insertEventRows, loadOpenLines } from "../ledger/index.ts";
import { assignGiftCards, type GiftCardPicks } from "../programs/index.ts";

type Trx = Transaction<Database>;
type Row<T extends keyof Database> = Selectable<Database[T]>;

/**
 * Writes a checked coupon redemption under the caller's locks: one lot and one
 * ACCUMULATION transaction per accrual (both carrying the event id), the RESOLVED
 * event (source COUPON, type COUPON_REDEMPTION) whose result lists them, the
 * coupon_redemptions row naming code, customer and event, and the code's use.
 * A reversal finds everything it must undo from the event id. Answers the wallet's
 * open lots afterwards, the credited lots and the event id.
 */
export async function writeCouponRedemption(
  trx: Trx,
  w: {
    accountId: string;
    customer: Row<"customers">;
    walletId: string;
    campaign: Row<"campaigns">;
    code: Row<"coupon_codes">;
    accruals: Accrual[];
    /** Gift-card codes picked for GIFT_CARD accruals, assigned here. */
    picks: GiftCardPicks;
    rewardTypes: Map<string, string>;
    payload: TCouponRedeem;
    payloadHash: string;
    brandId: string | null;
    now: Date;
  },
): Promise<{ lines: Row<"wallet_lines">[]; accumulations: TWalletLine[]; eventId: string }> {
  const { accountId, campaign, now } = w;
  const eventId = newId();
  const coupon = { code: w.code.code, code_id: w.code.id };
  const rows = accrualRows({
    accountId,
    walletId: w.walletId,
    customer: w.customer,
    eventId,
    eventType: "COUPON_REDEMPTION",
    brandId: w.brandId,
    order: { channel_id: w.payload.channel_id, store_id: w.payload.store_id },
    issuedAt: now,
    now,
    metadata: {},
    accruals: w.accruals,
    campaignOf: () => campaign,
    rewardTypeOf: (id) => w.rewardTypes.get(id) ?? "POINTS",
    details: (name) => `Coupon ${w.code.code} of campaign ${name}`,
    attributes: { coupon },
  });
  const accumulations = rows.lineViews;
  const giftCards = await assignGiftCards(trx, {
    accountId,
    customer: w.customer,
    eventId,
    credited: w.accruals,
    picks: w.picks,
    lineIdOf: rows.lineIdOf,
    now,
  });
  const result = {
    gift_card: giftCards,
    accumulations,
    redemptions: [],
    transactions: rows.transactionViews,
    coupon: { ...coupon, campaign_id: campaign.id },
  };
  const rules = [...new Set(w.accruals.map((a) => a.rule_index))];
  await insertEventRows(trx, {
    event: {
      account_id: accountId,
      id: eventId,
      customer_uuid: w.customer.uuid,
      brand_id: w.brandId,
      type: "COUPON_REDEMPTION",
      status: "RESOLVED",
      source: "COUPON",
      fulfilled: true,
      reserve: null,
      purchase_id: null,
      migration_key: null,
      payload: w.payload,
      payload_hash: w.payloadHash,
      issued_at: now,
      processing_at: now,
      resolved_at: now,
      cancelled_at: null,
      expired_at: null,
      reversed_at: null,
      reservation_expires_at: null,
      reverse_reason: null,
      rewarding_campaigns: [{ id: campaign.id, name: campaign.name, rules }],
      result,
      created_at: now,
    },
    lines: rows.lines,
    transactions: rows.transactions,
  });
  await trx
    .insertInto("coupon_redemptions")
    .values({
      account_id: accountId,
      id: newId(),
      code_id: w.code.id,
      campaign_id: campaign.id,
      customer_uuid: w.customer.uuid,
      event_id: eventId,
      status: "ACTIVE",
      created_at: now,
      reversed_at: null,
    })
    .execute();
  await trx
    .updateTable("coupon_codes")
    .set({ uses_count: sql`uses_count + 1` })
    .where("account_id", "=", accountId)
    .where("id", "=", w.code.id)
    .execute();
  const open = await loadOpenLines(trx, { accountId, walletId: w.walletId, now });
  return { lines: open, accumulations, eventId };
}
