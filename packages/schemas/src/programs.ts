import { z } from "zod";
import {
  queryIndex,
  ZAmountSchema,
  ZDateTimeSchema,
  ZIdSchema,
  ZTextSchema,
  ZUuidSchema,
} from "./common.ts";

/** A gift-card code as loaded into a pool: letters, digits, '-' and '_' (like coupon codes). */
export const ZGiftCardCodeSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, "must be 1–64 letters, digits, '-' or '_'");

/** Body of POST /rewards/{id}/gift-cards (extension): codes added to a GIFT_CARD reward's pool. */
export const ZGiftCardPoolAddSchema = z.object({
  codes: z
    .array(
      z.object({
        code: ZGiftCardCodeSchema,
        /** The card's money value; default the reward's `attributes.value`. */
        value: ZAmountSchema.nullish(),
        /** After this instant the card is neither drawn nor usable. */
        expiration_date: ZDateTimeSchema.nullish(),
        description: ZTextSchema.nullish(),
      }),
    )
    .min(1)
    .max(1000),
});
export type TGiftCardPoolAdd = z.infer<typeof ZGiftCardPoolAddSchema>;

/** A customer's gift card (Masivo's GiftCard), exactly Masivo's fields. */
export const ZGiftCardSchema = z.object({
  code: z.string(),
  reward_id: z.uuid(),
  customer_id: z.string(),
  rewarded_at: z.string(),
  description: z.string().nullable(),
  expired_at: z.string().nullable(),
  redeemed_at: z.string().nullable(),
});
export type TGiftCard = z.infer<typeof ZGiftCardSchema>;

/** A code of a pool as GET /rewards/{id}/gift-cards lists it (extension). */
export const ZGiftCardPoolCodeSchema = z.object({
  id: z.uuid(),
  code: z.string(),
  value: z.number().nullable(),
  description: z.string().nullable(),
  expired_at: z.string().nullable(),
  status: z.enum(["AVAILABLE", "ASSIGNED", "REDEEMED", "EXPIRED"]),
  customer_id: z.string().nullable(),
  event_id: z.uuid().nullable(),
  rewarded_at: z.string().nullable(),
  created_at: z.string(),
});

/** GET /rewards/{id}/gift-cards (extension): the pool's counts and its codes in load order. */
export const ZGiftCardPoolSchema = z.object({
  reward_id: z.uuid(),
  total: z.number().int(),
  available: z.number().int(),
  assigned: z.number().int(),
  expired: z.number().int(),
  codes: z.array(ZGiftCardPoolCodeSchema),
});
export type TGiftCardPool = z.infer<typeof ZGiftCardPoolSchema>;

/** `?from=&to=` of the pool listing: optional here (default the first 1000 codes). */
export const ZGiftCardPoolQuerySchema = z
  .object({
    from: queryIndex().default(0),
    to: queryIndex().optional(),
  })
  .refine((q) => q.to === undefined || (q.to >= q.from && q.to - q.from < 1000), {
    message: "must be at least from, and a page holds at most 1000 codes",
    path: ["to"],
  });

/** Body of POST /customers/{id}/referrals/request-code (Masivo). */
export const ZReferralCodeRequestSchema = z.object({
  campaign_id: ZUuidSchema,
  brand_id: ZIdSchema.nullish(),
});
export type TReferralCodeRequest = z.infer<typeof ZReferralCodeRequestSchema>;

/** A customer's referral code (Masivo). */
export const ZReferralCodeSchema = z.object({
  id: z.uuid(),
  code: z.string(),
  customer_id: z.string(),
  campaign_id: z.uuid(),
  uses_count: z.number().int(),
  max_uses: z.number().int().nullable(),
  created_at: z.string(),
  metadata: z.record(z.string(), z.unknown()),
});
export type TReferralCode = z.infer<typeof ZReferralCodeSchema>;

/** A customer's card of a PUNCH_CARDS campaign (extension: GET /customers/{id}/punch-cards). */
export const ZPunchCardSchema = z.object({
  campaign_id: z.uuid(),
  name: z.string(),
  /** Stamps that fill the card. */
  punches: z.number().int(),
  /** Stamps on the current card. */
  stamps: z.number().int(),
  /** Cards filled so far. */
  completed: z.number().int(),
  updated_at: z.string(),
});
export type TPunchCard = z.infer<typeof ZPunchCardSchema>;
