export { addGiftCardsOnce, listGiftCardPoolPage } from "./gift-card-pool.ts";
export { type GiftCardBalance, getGiftCardBalance, redeemGiftCard } from "./gift-card-redeem.ts";
export {
  addGiftCards,
  assignGiftCards,
  type GiftCardPicks,
  listCustomerGiftCards,
  listGiftCardPool,
  pickGiftCards,
  type SkippedGiftCard,
} from "./gift-cards.ts";
export { listPunchCards, loadStamps, recordStamps } from "./punch-cards.ts";
export {
  markReferralRewarded,
  type PreparedReferral,
  prepareReferral,
  REFERRAL_EVENT_TYPE,
  type ReferralOutcome,
  registerReferral,
  requestReferralCode,
} from "./referrals.ts";
export { writeReferrerEvent } from "./referrer-event.ts";
export { undoPrograms } from "./undo.ts";
