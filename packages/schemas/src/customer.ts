import { z } from "zod";
import {
  queryIndex,
  ZDateTimeSchema,
  ZIdSchema,
  ZNameSchema,
  ZObjectSchema,
  ZStringListSchema,
} from "./common.ts";

export const ZConsentSchema = z.object({
  consent_string: z.string().max(4000).nullish(),
  version: z.string().max(20).nullish(),
  consent_timestamp: ZDateTimeSchema.nullish(),
  purposes: z
    .object({
      behavioral_campaigns: z.boolean().optional(),
      coupon_campaigns: z.boolean().optional(),
      punchcard_campaigns: z.boolean().optional(),
      email_marketing: z.boolean().optional(),
      push_notifications: z.boolean().optional(),
      link_tracking: z.boolean().optional(),
    })
    .nullish(),
  vendors: z.record(z.string(), z.boolean()).nullish(),
});
export type TConsent = z.infer<typeof ZConsentSchema>;

export const ZDeviceInfoSchema = z.object({
  platform: z.enum(["ios", "android", "web"]),
  model: z.string().max(100).nullish(),
  osVersion: z.string().max(50).nullish(),
});

export const ZDeviceSchema = z.object({
  device_token: z.string().min(1).max(4096),
  device_info: ZDeviceInfoSchema.nullish(),
});

const profile = {
  name: ZNameSchema.nullish(),
  email: z.email().max(255).nullish(),
  gender: z.enum(["MALE", "FEMALE"]).nullish(),
  dob: ZDateTimeSchema.nullish(),
  document_type: z.string().max(50).nullish(),
  document_number: z.string().max(100).nullish(),
  country: z.string().max(100).nullish(),
  tags: ZObjectSchema.nullish(),
  metadata: ZObjectSchema.nullish(),
};

export const ZCustomerCreateSchema = z.object({
  id: ZIdSchema,
  ...profile,
  platforms: ZStringListSchema.nullish(),
  is_anonymous: z.boolean().default(false),
  registration_date: ZDateTimeSchema.nullish(),
  devices: z.array(ZDeviceSchema).max(20).nullish(),
  consent: ZConsentSchema.nullish(),
  referral_code: z.string().trim().max(64).nullish(),
});
export type TCustomerCreate = z.infer<typeof ZCustomerCreateSchema>;

export const ZCustomerUpdateSchema = z.object({
  name: profile.name,
  gender: profile.gender,
  dob: profile.dob,
  tags: profile.tags,
  metadata: profile.metadata,
  email: profile.email,
  document_type: profile.document_type,
  document_number: profile.document_number,
  country: profile.country,
});
export type TCustomerUpdate = z.infer<typeof ZCustomerUpdateSchema>;

export const ZConsentUpdateSchema = z.object({ consent: ZConsentSchema });

export const ZIdentifyAnonymousSchema = z.object({
  ...profile,
  new_id: ZIdSchema.nullish(),
  email_status: z.string().max(50).nullish(),
  devices: z.array(ZDeviceSchema).max(20).nullish(),
  consent: ZConsentSchema.nullish(),
});
export type TIdentifyAnonymous = z.infer<typeof ZIdentifyAnonymousSchema>;

export const ZDeviceRegisterSchema = ZDeviceSchema;

export const TRANSACTION_TYPES_QUERY = [
  "ACCUMULATION",
  "REDEMPTION",
  "EXPIRATION",
  "MIGRATION",
  "TRANSFER",
  "REVERSAL",
  "ADJUSTMENT",
] as const;

export const ZCustomerTransactionsQuerySchema = z.object({
  year: queryIndex(2020, 2100).optional(),
  brand_id: ZIdSchema.optional(),
  reward_id: z.uuid().optional(),
  type: z.enum(TRANSACTION_TYPES_QUERY).optional(),
});
