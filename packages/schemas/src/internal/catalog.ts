import { z } from "zod";
import { ZTierWriteSchema } from "../catalog.ts";
import {
  REWARD_TYPES,
  ZConditionsSchema,
  ZDateTimeSchema,
  ZIdSchema,
  ZLabelListSchema,
  ZNameSchema,
  ZTextSchema,
} from "../common.ts";
import { ZGiftCardCodeSchema } from "../programs.ts";
import { ZTierSchema } from "../responses.ts";
import { ZCursorInputSchema, zCursorPage } from "./common.ts";
import { ZDecimalStringSchema, zDecimal } from "./decimal.ts";

// ---- tiers

/** tiers.create: a client-given `id` makes a retry answer the same tier. */
export const ZTierCreateInputSchema = ZTierWriteSchema.extend({ id: z.uuid().optional() });
export type TTierCreateInput = z.infer<typeof ZTierCreateInputSchema>;

/** tiers.update: the fields to change. */
export const ZTierUpdateInputSchema = ZTierWriteSchema.partial().extend({ id: z.uuid() });
export type TTierUpdateInput = z.infer<typeof ZTierUpdateInputSchema>;

/** tiers.reorder: the new level of each tier named (the others keep theirs). */
export const ZTierReorderInputSchema = z.object({
  levels: z
    .array(z.object({ id: z.uuid(), level: z.number().int().min(1).max(10) }))
    .min(1)
    .max(10),
});
export type TTierReorderInput = z.infer<typeof ZTierReorderInputSchema>;

/**
 * How customers were re-evaluated after a ladder change: `promoted` customers now (null: the
 * account is large, so the tier job does it; docs/api-decisions.md#internal-tier-ladder).
 */
export const ZReevaluationSchema = z.object({
  promoted: z.number().int().nullable(),
  queued: z.boolean(),
});
export type TReevaluation = z.infer<typeof ZReevaluationSchema>;

export const ZTierChangeSchema = z.object({ tier: ZTierSchema, reevaluation: ZReevaluationSchema });
export const ZLadderChangeSchema = z.object({
  tiers: z.array(ZTierSchema),
  /** tiers.delete: customers moved out of the deleted tier. */
  moved: z.number().int().optional(),
  reevaluation: ZReevaluationSchema,
});
export const ZTierPageSchema = zCursorPage(ZTierSchema);

// ---- rewards

/** Reward attributes with their amounts as decimal strings; other attributes pass as given. */
const ZRewardAttributesInputSchema = z.looseObject({
  conversion_factor: zDecimal().optional(),
  value: zDecimal().optional(),
});

/** rewards.create: a client-given `id` makes a retry answer the same reward. */
export const ZRewardCreateInputSchema = z.object({
  id: z.uuid().optional(),
  brand_id: ZIdSchema.nullish(),
  platforms: ZLabelListSchema.nullish(),
  name: ZNameSchema,
  description: ZTextSchema.nullish(),
  type: z.enum(REWARD_TYPES),
  conditions: ZConditionsSchema.default([]),
  attributes: ZRewardAttributesInputSchema.default({}),
});
export type TRewardCreateInput = z.infer<typeof ZRewardCreateInputSchema>;

/** rewards.update: the fields to change; `attributes` replaces them whole. */
export const ZRewardUpdateInputSchema = ZRewardCreateInputSchema.omit({ id: true, type: true })
  .partial()
  .extend({ id: z.uuid() });
export type TRewardUpdateInput = z.infer<typeof ZRewardUpdateInputSchema>;

export const ZInternalRewardSchema = z.object({
  id: z.uuid(),
  brand_id: z.string().nullable(),
  platforms: z.array(z.string()).nullable(),
  name: z.string(),
  description: z.string().nullable(),
  type: z.enum(REWARD_TYPES),
  conditions: z.array(z.array(z.record(z.string(), z.unknown()))),
  /** `conversion_factor` and `value` as decimal strings. */
  attributes: z.record(z.string(), z.unknown()),
  archived_at: z.string().nullable(),
});
export type TInternalReward = z.infer<typeof ZInternalRewardSchema>;

export const ZRewardListInputSchema = ZCursorInputSchema.extend({
  type: z.enum(REWARD_TYPES).optional(),
  brand_id: ZIdSchema.optional(),
  /** true: only archived rewards; false: only live ones; absent: both. */
  archived: z.boolean().optional(),
});
export const ZInternalRewardPageSchema = zCursorPage(ZInternalRewardSchema);

/** rewards.giftCards.add: codes loaded into a GIFT_CARD reward's pool. */
export const ZGiftCardsAddInputSchema = z.object({
  reward_id: z.uuid(),
  codes: z
    .array(
      z.object({
        code: ZGiftCardCodeSchema,
        value: zDecimal().nullish(),
        expiration_date: ZDateTimeSchema.nullish(),
        description: ZTextSchema.nullish(),
      }),
    )
    .min(1)
    .max(1000),
});
export type TGiftCardsAddInput = z.infer<typeof ZGiftCardsAddInputSchema>;

export const GIFT_CARD_STATUSES = ["AVAILABLE", "ASSIGNED", "REDEEMED", "EXPIRED"] as const;

export const ZGiftCardsListInputSchema = ZCursorInputSchema.extend({
  reward_id: z.uuid(),
  status: z.enum(GIFT_CARD_STATUSES).optional(),
});

export const ZGiftCardPoolPageSchema = zCursorPage(
  z.object({
    id: z.uuid(),
    code: z.string(),
    value: ZDecimalStringSchema.nullable(),
    description: z.string().nullable(),
    expired_at: z.string().nullable(),
    status: z.enum(GIFT_CARD_STATUSES),
    customer_id: z.string().nullable(),
    event_id: z.uuid().nullable(),
    rewarded_at: z.string().nullable(),
    created_at: z.string(),
  }),
).extend({
  reward_id: z.uuid(),
  total: z.number().int(),
  available: z.number().int(),
  assigned: z.number().int(),
  expired: z.number().int(),
});
