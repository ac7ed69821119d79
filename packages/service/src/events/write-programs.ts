import type { Accrual } from "@tally/core";
import type { Database } from "@tally/db";
import type { TGiftCard } from "@tally/schemas";
import type { Transaction } from "kysely";
import {
  assignGiftCards,
  markReferralRewarded,
  recordStamps,
  writeReferrerEvent,
} from "../programs/index.ts";
import type { Earned } from "./earn.ts";

type Trx = Transaction<Database>;

/**
 * Writes what an event's programs earned beside its lots, in its transaction: the customer's
 * gift cards, the punch-card stamps, and a rewarded referral (the referrer's REFERRAL event and
 * the referral row). Answers the result's `gift_card` and its extension fields.
 */
export async function writePrograms(
  trx: Trx,
  o: {
    accountId: string;
    customer: { uuid: string; id: string };
    eventId: string;
    earned: Earned;
    lineIdOf: Map<Accrual, string>;
    brandId: string | null;
    rewardTypeOf: (id: string) => string;
    issuedAt: Date;
    now: Date;
  },
): Promise<{ giftCards: TGiftCard[]; result: Record<string, unknown> }> {
  const { earned } = o;
  const giftCards = await assignGiftCards(trx, {
    accountId: o.accountId,
    customer: o.customer,
    eventId: o.eventId,
    credited: earned.accruals,
    picks: earned.picks,
    lineIdOf: o.lineIdOf,
    now: o.now,
  });
  await recordStamps(trx, {
    accountId: o.accountId,
    customerUuid: o.customer.uuid,
    eventId: o.eventId,
    outcomes: earned.stamps,
    now: o.now,
  });
  const result: Record<string, unknown> = {};
  if (earned.skipped.length) result.gift_card_skipped = earned.skipped;
  if (earned.stamps.length) {
    result.punch_cards = earned.stamps.map((p) => ({
      campaign_id: p.campaign_id,
      stamps: p.stamps,
      punches: earned.punchesOf.get(p.campaign_id) ?? 1,
      completed: p.completed,
    }));
  }
  const referral = earned.referral;
  if (referral) {
    let outcome = referral.outcome;
    if (referral.prepared) {
      const referrerEventId = await writeReferrerEvent(trx, {
        accountId: o.accountId,
        prepared: referral.prepared,
        accruals: referral.referrerAccruals,
        picks: earned.picks,
        skipped: referral.referrerSkipped,
        referee: o.customer,
        refereeEventId: o.eventId,
        brandId: o.brandId,
        rewardTypeOf: o.rewardTypeOf,
        issuedAt: o.issuedAt,
        now: o.now,
      });
      await markReferralRewarded(trx, {
        accountId: o.accountId,
        prepared: referral.prepared,
        refereeUuid: o.customer.uuid,
        eventId: o.eventId,
        referrerEventId,
        now: o.now,
      });
      outcome = { ...outcome, referrer_event_id: referrerEventId };
    }
    result.referral = outcome;
  }
  return { giftCards, result };
}
