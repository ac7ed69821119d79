import type { Database } from "@tally/db";
import type { Transaction } from "kysely";
import { returnGiftCards } from "./gift-cards.ts";
import { takeBackStamps } from "./punch-cards.ts";
import { undoReferral } from "./referrals.ts";

type Trx = Transaction<Database>;

/**
 * What a reversed event's programs gave, undone under its wallet lock: its gift cards go back
 * to the pool, its punch-card stamps come off, and its referral is marked REVERSED with the
 * referrer's REFERRAL event reversed too (`reverseLinked`). A refusal (409) rolls back the whole
 * reversal.
 */
export async function undoPrograms(trx: Trx, o: Parameters<typeof undoReferral>[1]): Promise<void> {
  await undoReferral(trx, o);
  await returnGiftCards(trx, { accountId: o.accountId, eventId: o.event.id });
  await takeBackStamps(trx, { accountId: o.accountId, eventId: o.event.id, now: o.now });
}
