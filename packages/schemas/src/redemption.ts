import { z } from "zod";
import { ZIdSchema } from "./common.ts";
import { ZEventCreateSchema } from "./event.ts";
import { ZOrderProductSchema, ZOrderSchema, ZShippingSchema } from "./order.ts";
import { ZRewardSchema } from "./responses.ts";

/** PUT /events/redeem/preview: the order to try the redeem arrays of, for a customer and brand. */
export const ZPreviewRequestSchema = z.object({
  customer_id: ZIdSchema,
  brand_id: ZIdSchema,
  order: ZOrderSchema,
  // (extension) What the PURCHASE event will carry, for reward conditions that read it
  // (Platform, Event Tag): then preview and the committed event judge them alike.
  platform: ZEventCreateSchema.shape.platform,
  tags: ZEventCreateSchema.shape.tags,
});
export type TPreviewRequest = z.infer<typeof ZPreviewRequestSchema>;

export const REDEMPTION_ACTIONS = ["UPDATE", "READ", "CREATE", "REMOVE"] as const;

/** One redeem item's outcome: units consumed, the reward (null when unknown), an error code. */
export const ZRedeemedItemSchema = z.object({
  id: z.string(),
  amount: z.number().finite().nonnegative(),
  reward: ZRewardSchema.nullable(),
  error: z
    .string()
    .regex(/^[A-Z_]+$/)
    .optional(),
  /** (extension) What a failing reward condition requires. */
  requirement: z.string().optional(),
});

/** `redemptions_result` of an order, product line or shipping (Masivo: RedemptionsResult). */
export const ZRedemptionsResultSchema = z.object({
  redeemed: z.array(ZRedeemedItemSchema),
  amount: z.number().finite().nonnegative(),
  discount_value: z.number().finite().nonnegative(),
  discount_percent: z.number().min(0).max(1),
  value: z.number().finite().nonnegative(),
  action: z.enum(REDEMPTION_ACTIONS),
});
export type TRedemptionsResult = z.infer<typeof ZRedemptionsResultSchema>;

const withResult = { redemptions_result: ZRedemptionsResultSchema.optional() };

/** The order echoed back with `redemptions_result` wherever a redeem array was. */
export const ZPreviewOrderSchema = ZOrderSchema.extend({
  products: z.array(ZOrderProductSchema.extend(withResult)).nullish(),
  shipping: ZShippingSchema.extend(withResult).nullish(),
  ...withResult,
});

export const ZPreviewResponseSchema = z.object({
  customer_id: z.string(),
  brand_id: z.string(),
  order: ZPreviewOrderSchema,
});
export type TPreviewResponse = z.infer<typeof ZPreviewResponseSchema>;
