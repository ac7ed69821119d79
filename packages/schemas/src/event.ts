import { z } from "zod";
import { queryIndex, ZDateTimeSchema, ZIdSchema, ZObjectSchema, ZTextSchema } from "./common.ts";
import { ZEventTypeSchema } from "./event-type.ts";
import { ZOrderProductSchema, ZOrderSchema, ZRedeemItemSchema } from "./order.ts";

/**
 * The top-level `product` of a tracking event (ADD_TO_CART and the like): a product looked at,
 * not a line being paid for, so it redeems nothing.
 */
const ZTrackedProductSchema = ZOrderProductSchema.extend({
  redeem: z
    .array(ZRedeemItemSchema)
    .max(50)
    .nullish()
    .refine(
      (items) => !items?.length,
      "a tracking event's product redeems nothing; put redemptions in order.products[].redeem or in the event's top-level redeem",
    ),
});

export const ZEventCreateSchema = z.object({
  customer_id: ZIdSchema,
  brand_id: ZIdSchema,
  type: ZEventTypeSchema,
  platform: z.string().min(1).max(64).nullish(),
  order: ZOrderSchema.nullish(),
  product: ZTrackedProductSchema.nullish(),
  fulfilled: z.boolean().default(true),
  reserve: z.number().int().min(1).max(365).nullish(),
  redeem: z.array(ZRedeemItemSchema).max(50).nullish(),
  tags: ZObjectSchema.nullish(),
  referral_code: z.string().trim().max(64).nullish(),
  metadata: ZObjectSchema.nullish(),
  issued_at: ZDateTimeSchema.nullish(),
});
export type TEventCreate = z.infer<typeof ZEventCreateSchema>;

export const ZEventReverseSchema = z.object({ reason: ZTextSchema.nullish() });

export const ZTotpCreateSchema = z.object({
  customer_id: ZIdSchema,
  metadata: ZObjectSchema.nullish(),
});

export const ZTotpVerifyQuerySchema = z.object({
  code: z.string().regex(/^\d{6}$/, "must be 6 digits"),
});

export const ZTransactionListQuerySchema = z.object({
  date: z.string().regex(/^\d{2}-\d{2}-\d{4}$/, "must be DD-MM-YYYY"),
  cursor: z.uuid().optional(),
  brand_id: ZIdSchema.optional(),
  reward_id: z.uuid().optional(),
  campaign_id: z.uuid().optional(),
  event_id: z.uuid().optional(),
  type: z
    .enum([
      "ACCUMULATION",
      "REDEMPTION",
      "EXPIRATION",
      "MIGRATION",
      "TRANSFER",
      "REVERSAL",
      "ADJUSTMENT",
    ])
    .optional(),
  funded_by: z.string().max(64).optional(),
  limit: queryIndex(1, 1000).default(1000),
});
