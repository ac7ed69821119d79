export { COUPON_EVENT_TYPE, redeemCoupon } from "./redeem.ts";
export { releaseCouponUse } from "./release.ts";
