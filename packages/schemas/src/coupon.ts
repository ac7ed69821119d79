import { z } from "zod";
import { ZIdSchema } from "./common.ts";
import { ZCustomerSchema, ZWalletLineSchema, ZWalletSchema } from "./responses.ts";

/** Body of POST /coupons/redeem (seed 000). */
export const ZCouponRedeemSchema = z.object({
  customer_id: ZIdSchema,
  code: z.string().trim().min(1).max(64),
  brand_id: ZIdSchema.nullish(),
  platform: z.string().trim().min(1).max(128).nullish(),
  store_id: ZIdSchema.nullish(),
  channel_id: ZIdSchema.nullish(),
});
export type TCouponRedeem = z.infer<typeof ZCouponRedeemSchema>;

/** Body of POST /coupons/reverse: whose redemption of which code to undo. */
export const ZCouponReverseSchema = z.object({
  customer_id: ZIdSchema,
  code: z.string().trim().min(1).max(64),
});
export type TCouponReverse = z.infer<typeof ZCouponReverseSchema>;

/** Answer of POST /coupons/redeem: the customer, the wallet after, and what was credited. */
export const ZCouponRedeemResultSchema = z.object({
  customer: ZCustomerSchema,
  wallet: ZWalletSchema,
  accumulations: z.array(ZWalletLineSchema),
  redemptions: z.array(ZWalletLineSchema),
});
export type TCouponRedeemResult = z.infer<typeof ZCouponRedeemResultSchema>;

/** `attributes.codes_summary` of a COUPONS campaign read with `include=CODES_SUMMARY`. */
export const ZCodesSummarySchema = z.object({
  total: z.number().int(),
  used: z.number().int(),
  available: z.number().int(),
  redemptions: z.number().int(),
  remaining: z.number().int().nullable(),
});
export type TCodesSummary = z.infer<typeof ZCodesSummarySchema>;

/** `?include=` of GET /campaigns/{id}: CODES and/or CODES_SUMMARY, comma-separated. */
export const ZCampaignGetQuerySchema = z.object({
  include: z
    .string()
    .max(100)
    .transform((v) => v.split(",").map((s) => s.trim().toUpperCase()))
    .pipe(z.array(z.enum(["CODES", "CODES_SUMMARY"])))
    .optional(),
});
