import { z } from "zod";
import {
  ZAmountSchema,
  ZIdSchema,
  ZObjectSchema,
  ZPositiveAmountSchema,
  ZUuidSchema,
} from "./common.ts";

export const ZRedeemItemSchema = z.object({
  id: ZUuidSchema,
  amount: ZPositiveAmountSchema.default(1),
});

export const ZOrderProductSchema = z.object({
  sku: z.string().min(1).max(128).nullish(),
  amount: ZPositiveAmountSchema.default(1),
  value: ZAmountSchema,
  discounted_value: ZAmountSchema.nullish(),
  redeem: z.array(ZRedeemItemSchema).max(50).nullish(),
  tags: ZObjectSchema.nullish(),
  metadata: ZObjectSchema.nullish(),
});

export const ZShippingSchema = z.object({
  value: ZAmountSchema,
  discounted_value: ZAmountSchema.nullish(),
  redeem: z.array(ZRedeemItemSchema).max(50).nullish(),
  tags: ZObjectSchema.nullish(),
  metadata: ZObjectSchema.nullish(),
});

export const PAYMENT_METHODS = ["CREDIT", "DEBIT", "CASH", "BANK_TRANSFER", "OTHER"] as const;

export const ZOrderSchema = z.object({
  purchase_id: ZIdSchema.nullish(),
  channel_id: ZIdSchema.nullish(),
  store_id: ZIdSchema.nullish(),
  value: ZAmountSchema,
  discounted_value: ZAmountSchema.nullish(),
  products: z.array(ZOrderProductSchema).max(1000).nullish(),
  shipping: ZShippingSchema.nullish(),
  payment_method: z.enum(PAYMENT_METHODS).nullish(),
  redeem: z.array(ZRedeemItemSchema).max(50).nullish(),
  metadata: ZObjectSchema.nullish(),
});
export type TOrder = z.infer<typeof ZOrderSchema>;
