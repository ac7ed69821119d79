export * from "./accounts.ts";
export * from "./auth.ts";
export * from "./campaigns.ts";
export { MAX_GENERATED_CODES } from "./coupons/codes.ts";
export { COUPON_EVENT_TYPE, redeemCoupon } from "./coupons/redeem.ts";
export { reverseCoupon } from "./coupons/reverse.ts";
export { listCampaignCodes, summariseCodes } from "./coupons/summary.ts";
export * from "./customers.ts";
export * from "./demo.ts";
export * from "./deps.ts";
export { emitEvent, getEvent } from "./events/emit.ts";
export * from "./idempotency.ts";
export {
  type Answer,
  currentClaim,
  type IdempotencyClaim,
  runUnderClaim,
} from "./idempotency-claim.ts";
export * from "./ledger.ts";
export * from "./maintenance/index.ts";
export * from "./migrations/index.ts";
export { addGiftCards, listCustomerGiftCards, listGiftCardPool } from "./programs/gift-cards.ts";
export { listPunchCards } from "./programs/punch-cards.ts";
export { REFERRAL_EVENT_TYPE, requestReferralCode } from "./programs/referrals.ts";
export * from "./redemption.ts";
export * from "./rewards.ts";
export { fulfilEvent } from "./spending/fulfil.ts";
export { reverseEvent } from "./spending/reverse.ts";
export * from "./tiers.ts";
export * from "./totp.ts";
export * from "./transactions.ts";
export * from "./validation.ts";
export { toClientCustomerView } from "./views.ts";
export * from "./wallet.ts";
