import type { Accrual } from "@tally/core";
import { type Database, json } from "@tally/db";
import type { TCouponRedeem, TWalletLine } from "@tally/schemas";
import { type Insertable, type Selectable, sql, type Transaction } from "kysely";
import { newId } from "../deps.ts";
import { budgetPeriodOf } from "../events/budget.ts";
import { assignGiftCards, type GiftCardPicks } from "../programs/gift-cards.ts";
import { toLineView, toTransactionView } from "../views.ts";
import { loadOpenLines } from "../wallet.ts";

type Trx = Transaction<Database>;
type Row<T extends keyof Database> = Selectable<Database[T]>;

/**
 * Writes a checked coupon redemption under the caller's locks: one lot and one
 * ACCUMULATION transaction per accrual (both carrying the event id), the RESOLVED
 * event (source COUPON, type COUPON_REDEMPTION) whose result lists them, the
 * coupon_redemptions row naming code, customer and event, and the code's use.
 * A reversal finds everything it must undo from the event id. Answers the wallet's
 * open lots afterwards and the credited lots.
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
): Promise<{ lines: Row<"wallet_lines">[]; accumulations: TWalletLine[] }> {
  const { accountId, campaign, now } = w;
  const eventId = newId();
  const lines: Row<"wallet_lines">[] = [];
  const transactions: Insertable<Database["transactions"]>[] = [];
  const transactionViews = [];
  const lineIdOf = new Map<Accrual, string>();
  for (const a of w.accruals) {
    const line: Row<"wallet_lines"> = {
      account_id: accountId,
      id: newId(),
      wallet_id: w.walletId,
      reward_id: a.reward_id,
      campaign_id: campaign.id,
      brand_id: w.brandId,
      event_id: eventId,
      source: "ACCUMULATION",
      amount: a.amount.toString(),
      remaining: a.amount.toString(),
      reserved: "0",
      issued_at: now,
      expiration_date: a.expiration_date,
      reservation_expires_at: null,
      channel_id: w.payload.channel_id ?? null,
      store_id: w.payload.store_id ?? null,
      funded_by: campaign.funded_by,
      created_at: now,
    };
    const attributes = {
      line: toLineView(line),
      campaign_name: campaign.name,
      budget_period: budgetPeriodOf(campaign, now),
      coupon: { code: w.code.code, code_id: w.code.id },
    };
    const transaction: Row<"transactions"> = {
      account_id: accountId,
      id: newId(),
      wallet_id: w.walletId,
      customer_uuid: w.customer.uuid,
      reward_id: a.reward_id,
      line_id: line.id,
      event_id: eventId,
      campaign_id: campaign.id,
      reverses_id: null,
      brand_id: w.brandId,
      channel_id: line.channel_id,
      store_id: line.store_id,
      funded_by: line.funded_by,
      event_type: "COUPON_REDEMPTION",
      reward_type: w.rewardTypes.get(a.reward_id) ?? "POINTS",
      type: "ACCUMULATION",
      amount: a.amount.toString(),
      cost: a.cost.toString(),
      details: `Coupon ${w.code.code} of campaign ${campaign.name}`,
      receiver_id: null,
      sender_id: null,
      migration_key: null,
      issued_at: now,
      created_at: now,
      attributes,
      metadata: {},
    };
    lines.push(line);
    lineIdOf.set(a, line.id);
    transactions.push({ ...transaction, attributes: json(attributes), metadata: json({}) });
    transactionViews.push(toTransactionView(transaction, w.customer.id));
  }
  const accumulations = lines.map((l) => toLineView(l));
  const giftCards = await assignGiftCards(trx, {
    accountId,
    customer: w.customer,
    eventId,
    credited: w.accruals,
    picks: w.picks,
    lineIdOf,
    now,
  });
  const result = {
    gift_card: giftCards,
    accumulations,
    redemptions: [],
    transactions: transactionViews,
    coupon: { code: w.code.code, code_id: w.code.id, campaign_id: campaign.id },
  };
  const rules = [...new Set(w.accruals.map((a) => a.rule_index))];
  await trx
    .insertInto("events")
    .values({
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
      payload: json(w.payload),
      payload_hash: w.payloadHash,
      issued_at: now,
      processing_at: now,
      resolved_at: now,
      cancelled_at: null,
      expired_at: null,
      reversed_at: null,
      reservation_expires_at: null,
      reverse_reason: null,
      rewarding_campaigns: json([{ id: campaign.id, name: campaign.name, rules }]),
      result: json(result),
      created_at: now,
    })
    .execute();
  await trx.insertInto("wallet_lines").values(lines).execute();
  await trx.insertInto("transactions").values(transactions).execute();
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
  return { lines: open, accumulations };
}
