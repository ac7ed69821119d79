import { z } from "zod";
import {
  CAMPAIGN_TYPES,
  jsonOrString,
  MAX_INT,
  REWARD_TYPES,
  ZAmountSchema,
  ZConditionsSchema,
  ZDateTimeSchema,
  ZIdSchema,
  ZLabelListSchema,
  ZNameSchema,
  ZObjectSchema,
  ZPositiveAmountSchema,
  ZRangeQuerySchema,
  ZTextSchema,
  ZUuidSchema,
} from "./common.ts";
import { ZEventTypeSchema } from "./event-type.ts";

export const ZRewardInsertSchema = z.object({
  brand_id: ZIdSchema.nullish(),
  platforms: ZLabelListSchema.nullish(),
  name: ZNameSchema,
  description: ZTextSchema.nullish(),
  type: z.enum(REWARD_TYPES),
  conditions: ZConditionsSchema.default([]),
  attributes: ZObjectSchema.default({}),
});
export type TRewardInsert = z.infer<typeof ZRewardInsertSchema>;

export const ZRewardListQuerySchema = ZRangeQuerySchema.and(
  z.object({ brand_id: ZIdSchema.optional(), type: z.enum(REWARD_TYPES).optional() }),
);

export const ZEffectSchema = z.object({
  reward_id: ZUuidSchema,
  tier_id: ZUuidSchema.nullish(),
  amount: ZPositiveAmountSchema,
  expiration_date: z.string().max(30).nullish(),
  calculation: z.enum(["PER_UNIT_SPENT", "FIXED"]).nullish(),
});

export const ZRuleSchema = z.object({
  conditions: ZConditionsSchema.default([]),
  effects: z.array(ZEffectSchema).min(1).max(50),
});

const CAMPAIGN_TYPE = z.enum(CAMPAIGN_TYPES);

/** Body of POST /campaigns and PUT /campaigns/{id}; the type may also come from `?type=`. */
export const ZCampaignWriteSchema = z.object({
  type: CAMPAIGN_TYPE.optional(),
  brand_id: ZIdSchema.nullish(),
  platforms: ZLabelListSchema.nullish(),
  name: ZNameSchema,
  description: ZTextSchema.nullish(),
  rules: jsonOrString(z.array(ZRuleSchema).min(1).max(100)),
  attributes: z
    .object({
      trigger: ZEventTypeSchema.nullish(),
      privacy: z.string().max(20).nullish(),
      /** PUNCH_CARDS (extension): qualifying events that fill a card, 1–1000. */
      punches: z.number().int().min(1).max(1000).nullish(),
    })
    .default({}),
  trigger: ZEventTypeSchema.nullish(),
  status: z.enum(["ACTIVE", "INACTIVE"]).default("ACTIVE"),
  start_date: ZDateTimeSchema.nullish(),
  end_date: ZDateTimeSchema.nullish(),
  withoutEndDate: z.boolean().nullish(),
  funded_by: z.string().max(64).nullish(),
  budget: ZAmountSchema.min(1).nullish(),
  divide_budget_in: z.enum(["daily", "weekly", "monthly"]).nullish(),
  labels: ZLabelListSchema.nullish(),
  metadata: jsonOrString(ZObjectSchema).nullish(),
  quantity: z.number().int().min(0).max(MAX_INT).nullish(),
  useCustomCodes: z.boolean().nullish(),
  customCodes: z.string().max(1_000_000).nullish(),
  confirm_changes: z.boolean().nullish(),
  referee_rules_json: jsonOrString(z.array(ZRuleSchema).max(100)).nullish(),
});
export type TCampaignWrite = z.infer<typeof ZCampaignWriteSchema>;

export const ZCampaignTypeQuerySchema = z.object({ type: CAMPAIGN_TYPE.optional() });

export const CAMPAIGN_READ_STATUSES = [
  "RUNNING",
  "PAUSED",
  "SCHEDULED",
  "FINISHED",
  "NOT FINISHED",
] as const;

export const ZCampaignListQuerySchema = ZRangeQuerySchema.and(
  z.object({
    type: CAMPAIGN_TYPE.optional(),
    brand_id: ZIdSchema.optional(),
    status: z.enum(CAMPAIGN_READ_STATUSES).optional(),
    labels: z.string().max(1000).optional(),
    funded_by: z.string().max(64).optional(),
    include: z.enum(["CODES_SUMMARY"]).optional(),
    /** The campaigns this customer can take part in (Masivo's customer filter). */
    customer_id: ZIdSchema.optional(),
  }),
);

export const ZTierWriteSchema = z.object({
  name: ZNameSchema,
  description: ZTextSchema.nullish(),
  status: z.enum(["ACTIVE", "INACTIVE"]).default("ACTIVE"),
  level: z.number().int().min(1).max(10),
  entry_conditions: ZConditionsSchema.default([]),
  exit_conditions: ZConditionsSchema.default([]),
});
export type TTierWrite = z.infer<typeof ZTierWriteSchema>;

const POINT_VALUE = "the money value of one point, e.g. 0.1";

/**
 * POINTS: `conversion_factor` = money value of one point, required and above 0, since points
 * worth nothing could never be spent (docs/api-decisions.md#rewards); `decimals` (extension) =
 * earned points' precision.
 */
export const ZPointsAttributesSchema = z.looseObject({
  conversion_factor: z
    .number({
      error: (issue) =>
        issue.input === undefined ? `is required for a POINTS reward: ${POINT_VALUE}` : undefined,
    })
    .positive(`must be above 0: ${POINT_VALUE}; points worth nothing could never be spent`)
    .pipe(ZAmountSchema),
  decimals: z.number().int().min(0).max(8).default(0),
});

/** DISCOUNT (docs/api-decisions.md#rewards): PERCENTAGE value is a percent (0–100]; FIXED value is money. */
export const ZDiscountAttributesSchema = z
  .looseObject({
    discount_type: z.enum(["PERCENTAGE", "FIXED"]),
    value: ZPositiveAmountSchema,
    target: z.enum(["ORDER", "PRODUCT", "SHIPPING"]),
    skus: z.array(z.string().min(1).max(128)).max(1000).nullish(),
  })
  .refine((a) => a.discount_type !== "PERCENTAGE" || a.value <= 100, {
    message: "a PERCENTAGE discount is at most 100",
    path: ["value"],
  });

/** PRODUCT (docs/api-decisions.md#rewards): ADD a free product, or REPLACE `replaces_sku` with `sku`. */
export const ZProductAttributesSchema = z
  .looseObject({
    mode: z.enum(["ADD", "REPLACE"]),
    sku: z.string().min(1).max(128),
    value: ZAmountSchema.nullish(),
    replaces_sku: z.string().min(1).max(128).nullish(),
  })
  .refine((a) => a.mode !== "REPLACE" || Boolean(a.replaces_sku), {
    message: "is required when mode is REPLACE",
    path: ["replaces_sku"],
  });

/** GIFT_CARD: the card's money value (for budgets and cost). */
export const ZGiftCardAttributesSchema = z.looseObject({
  value: ZAmountSchema.default(0),
});

export const REWARD_ATTRIBUTE_SCHEMAS = {
  POINTS: ZPointsAttributesSchema,
  DISCOUNT: ZDiscountAttributesSchema,
  PRODUCT: ZProductAttributesSchema,
  GIFT_CARD: ZGiftCardAttributesSchema,
} as const;
