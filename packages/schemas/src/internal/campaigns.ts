import { z } from "zod";
import { ZCampaignWriteSchema, ZEffectSchema, ZRuleSchema } from "../catalog.ts";
import { CAMPAIGN_TYPES, ZIdSchema, ZObjectSchema } from "../common.ts";
import { ZCampaignSchema } from "../responses.ts";
import { ZCursorInputSchema, zCursorPage } from "./common.ts";
import { zDecimal } from "./decimal.ts";

/** A rule whose effect amounts are decimal strings. */
const ZInternalRuleSchema = ZRuleSchema.extend({
  effects: z
    .array(ZEffectSchema.extend({ amount: zDecimal({ positive: true }) }))
    .min(1)
    .max(50),
});

/** How the codes a COUPONS campaign write generates look (REST uses the defaults). */
export const ZCampaignCodeFormatSchema = z.object({
  length: z.number().int().min(4).max(32).optional(),
  prefix: z.string().max(32).optional(),
});

/**
 * A campaign write of the internal API: REST's body (the same fields and checks) with rules
 * and metadata as JSON only, amounts as decimal strings, and the format of generated codes.
 */
const ZInternalCampaignWriteSchema = ZCampaignWriteSchema.extend({
  rules: z.array(ZInternalRuleSchema).min(1).max(100),
  referee_rules_json: z.array(ZInternalRuleSchema).max(100).nullish(),
  metadata: ZObjectSchema.nullish(),
  budget: zDecimal()
    .refine((n) => n >= 1, { message: "must be at least 1" })
    .nullish(),
  code_format: ZCampaignCodeFormatSchema.optional(),
});

/** campaigns.create: the type is required; a client-given `id` makes a retry answer the same campaign. */
export const ZCampaignCreateInputSchema = ZInternalCampaignWriteSchema.extend({
  id: z.uuid().optional(),
  type: z.enum(CAMPAIGN_TYPES),
});
export type TCampaignCreateInput = z.infer<typeof ZCampaignCreateInputSchema>;

/** campaigns.update: a full update, as REST's PUT (the same frozen fields once started). */
export const ZCampaignUpdateInputSchema = ZInternalCampaignWriteSchema.extend({ id: z.uuid() });
export type TCampaignUpdateInput = z.infer<typeof ZCampaignUpdateInputSchema>;

export const ZCampaignListInputSchema = ZCursorInputSchema.extend({
  type: z.enum(CAMPAIGN_TYPES).optional(),
  brand_id: ZIdSchema.optional(),
  /** true: only archived campaigns; false: only the others; absent: both. */
  archived: z.boolean().optional(),
});

/** A campaign as the internal API shows it: budget and effect amounts as decimal strings. */
export const ZInternalCampaignSchema = ZCampaignSchema.extend({
  budget: z.string().nullable(),
  archived_at: z.string().nullable(),
});
export type TInternalCampaign = z.infer<typeof ZInternalCampaignSchema>;
export const ZInternalCampaignPageSchema = zCursorPage(ZInternalCampaignSchema);
