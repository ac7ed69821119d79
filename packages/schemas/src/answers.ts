import { z } from "zod";
import { MIGRATION_TYPES } from "./migrate.ts";
import {
  ZCampaignSchema,
  ZCustomerSchema,
  ZCustomerWithWalletSchema,
  ZRewardSchema,
  ZTransactionSchema,
} from "./responses.ts";

/**
 * Answers of the storefront routes whose data is not one resource shape of responses.ts: pages,
 * one-time codes, consent, coupon reversals, queued migrations.
 */

/** A page of a `from`/`to` listing: the items and the range they cover (docs/api-decisions.md#wire-conventions-and-errors). */
export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({
    data: z.array(item),
    from: z.number().int(),
    to: z.number().int(),
    count: z.number().int(),
  });

export const ZRewardPageSchema = pageOf(ZRewardSchema);
export const ZCampaignPageSchema = pageOf(ZCampaignSchema);

/** POST /auth/totp: the code and when it stops working. */
export const ZTotpCodeSchema = z.object({
  code: z.string().regex(/^\d{6}$/),
  expired_at: z.string(),
});

/** GET /auth/totp/verify: the code's customer and wallet, and the metadata given at creation. */
export const ZTotpVerifiedSchema = ZCustomerWithWalletSchema.extend({
  metadata: z.record(z.string(), z.unknown()),
});

/** PATCH /customers/{id}/consent: the consent as stored. */
export const ZConsentAnswerSchema = z.object({ consent: ZCustomerSchema.shape.consent });

/** POST /coupons/reverse: the customer and wallet after, the event undone and its rows. */
export const ZCouponReverseResultSchema = ZCustomerWithWalletSchema.extend({
  event_id: z.uuid(),
  transactions: z.array(ZTransactionSchema),
});

/** A migrate batch as queued (202): GET /migrations/{id} follows it. */
export const ZMigrationQueuedSchema = z.object({
  id: z.uuid(),
  status: z.literal("QUEUED"),
  type: z.enum(MIGRATION_TYPES),
  items: z.number().int(),
});
