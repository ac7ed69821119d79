export { ADJUSTMENT_EVENT_TYPE, adjustWallet } from "./adjust.ts";
export { emitEvent, getEvent } from "./emit.ts";
export { listEventsOfCustomer, listEventsOfDay } from "./lists.ts";
export {
  loadAvailableBalances,
  previewRedemption,
  redeemableRewards,
  redeemIdsOf,
} from "./preview.ts";
export { processEvent } from "./process.ts";
export { createCustomer } from "./register.ts";
export { reverseCoupon } from "./reverse-coupon.ts";
export { fulfilEvent } from "./spending/fulfil.ts";
export { reverseEvent } from "./spending/reverse.ts";
