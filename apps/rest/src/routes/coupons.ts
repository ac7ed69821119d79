import { ZCouponRedeemSchema, ZCouponReverseSchema } from "@tally/schemas";
import { parseOrThrow, redeemCoupon, reverseCoupon } from "@tally/service";
import { Router } from "express";
import type { AppDeps } from "../deps.ts";
import { accountOf, serverOnly } from "../middleware/auth.ts";
import { ok, reply } from "../middleware/idempotency.ts";

/** Coupon codes (SERVER keys: redeeming credits a wallet). */
export function couponsRouter(deps: AppDeps): Router {
  const router = Router();
  router.post("/coupons/redeem", serverOnly, async (req, res) => {
    const input = parseOrThrow(ZCouponRedeemSchema, req.body);
    await reply(res, () => redeemCoupon(deps, accountOf(req), input), ok);
  });
  router.post("/coupons/reverse", serverOnly, async (req, res) => {
    const input = parseOrThrow(ZCouponReverseSchema, req.body);
    await reply(res, () => reverseCoupon(deps, accountOf(req), input), ok);
  });
  return router;
}
