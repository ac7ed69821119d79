import type { Accrual } from "@tally/core";
import type { Database } from "@tally/db";
import type { Transaction } from "kysely";
import { newId } from "../kernel/index.ts";
import { accrualRows, insertEventRows } from "../ledger/index.ts";
import { assignGiftCards, type GiftCardPicks, type SkippedGiftCard } from "./gift-cards.ts";
import { type PreparedReferral, REFERRAL_EVENT_TYPE } from "./referrals.ts";

type Trx = Transaction<Database>;

/**
 * Credits the referrer's side of a rewarded referral as its own RESOLVED event (type REFERRAL,
 * source SYSTEM) in the referrer's wallet, locked already: lots, ACCUMULATION transactions and
 * gift cards all name that event, so reversing it undoes exactly them. Answers its id (null when
 * the referrer earns nothing).
 */
export async function writeReferrerEvent(
  trx: Trx,
  o: {
    accountId: string;
    prepared: PreparedReferral;
    accruals: Accrual[];
    picks: GiftCardPicks;
    skipped: SkippedGiftCard[];
    referee: { id: string };
    refereeEventId: string;
    brandId: string | null;
    rewardTypeOf: (id: string) => string;
    issuedAt: Date;
    now: Date;
  },
): Promise<string | null> {
  if (o.accruals.length === 0 && o.skipped.length === 0) return null;
  const { customer, walletId } = o.prepared.referrer;
  const campaign = o.prepared.campaign;
  const eventId = newId();
  const rows = accrualRows({
    accountId: o.accountId,
    walletId,
    customer,
    eventId,
    eventType: REFERRAL_EVENT_TYPE,
    brandId: o.brandId,
    order: null,
    issuedAt: o.now,
    now: o.now,
    metadata: {},
    accruals: o.accruals,
    campaignOf: () => campaign,
    rewardTypeOf: o.rewardTypeOf,
    details: (name) => `Referral of ${o.referee.id} (campaign ${name})`,
  });
  const giftCards = await assignGiftCards(trx, {
    accountId: o.accountId,
    customer,
    eventId,
    credited: o.accruals,
    picks: o.picks,
    lineIdOf: rows.lineIdOf,
    now: o.now,
  });
  const referral = {
    code: o.prepared.code.code,
    campaign_id: campaign.id,
    referee_id: o.referee.id,
    event_id: o.refereeEventId,
  };
  const payload = {
    customer_id: customer.id,
    brand_id: o.brandId,
    type: REFERRAL_EVENT_TYPE,
    referral,
  };
  const result = {
    gift_card: giftCards,
    accumulations: rows.lineViews,
    redemptions: [],
    transactions: rows.transactionViews,
    referral,
    ...(o.skipped.length ? { gift_card_skipped: o.skipped } : {}),
  };
  await insertEventRows(trx, {
    event: {
      account_id: o.accountId,
      id: eventId,
      customer_uuid: customer.uuid,
      brand_id: o.brandId,
      type: REFERRAL_EVENT_TYPE,
      status: "RESOLVED",
      source: "SYSTEM",
      fulfilled: true,
      reserve: null,
      purchase_id: null,
      migration_key: null,
      payload,
      payload_hash: "",
      issued_at: o.now,
      processing_at: o.now,
      resolved_at: o.now,
      cancelled_at: null,
      expired_at: null,
      reversed_at: null,
      reservation_expires_at: null,
      reverse_reason: null,
      rewarding_campaigns: [
        {
          id: campaign.id,
          name: campaign.name,
          rules: [...new Set(o.accruals.map((a) => a.rule_index))],
        },
      ],
      result,
      created_at: o.now,
    },
    lines: rows.lines,
    transactions: rows.transactions,
  });
  return eventId;
}
