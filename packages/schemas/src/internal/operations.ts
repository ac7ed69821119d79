import { z } from "zod";
import { ZIdSchema } from "../common.ts";
import { MIGRATION_STATUSES, ZMigrationJobSchema } from "../migrate.ts";
import { ZCursorInputSchema, zCursorPage } from "./common.ts";
import { zDecimal } from "./decimal.ts";

/** events.list: one customer's events (newest first) or one UTC day's (oldest first). */
export const ZEventListInputSchema = z.union([
  ZCursorInputSchema.extend({ customer_id: ZIdSchema }).strict(),
  ZCursorInputSchema.extend({ date: z.iso.date() }).strict(),
]);

/** Names one event. */
export const ZEventRefSchema = z.object({ id: z.uuid() });
export const ZEventReverseInputSchema = ZEventRefSchema.extend({
  reason: z.string().trim().min(1).max(500).optional(),
});

/** ledger.audit: the whole account, or one customer. */
export const ZLedgerAuditInputSchema = z.object({ customer_id: ZIdSchema.optional() });
export const ZLedgerAuditSchema = z.object({
  healthy: z.boolean(),
  mismatches: z.array(z.record(z.string(), z.unknown())),
});

/** ledger.liability: days `from`–`to` (UTC, inclusive, at most 366). */
export const ZLiabilityInputSchema = z.object({ from: z.iso.date(), to: z.iso.date() });
export const ZLiabilityReportSchema = z.object({
  as_of: z.string(),
  from: z.string(),
  to: z.string(),
  rewards: z.array(
    z.object({
      reward_id: z.uuid(),
      name: z.string(),
      type: z.string(),
      brand_id: z.string().nullable(),
      outstanding: z.string(),
      conversion_factor: z.string().nullable(),
      value: z.string().nullable(),
    }),
  ),
  brands: z.array(z.object({ brand_id: z.string().nullable(), value: z.string() })),
  total_value: z.string(),
  days: z.array(
    z.object({
      date: z.string(),
      reward_id: z.uuid(),
      issued: z.string(),
      redeemed: z.string(),
      expired: z.string(),
      reversed: z.string(),
    }),
  ),
});

/** Names one gift card by its code (matched ignoring case). */
export const ZGiftCardRefSchema = z.object({ code: z.string().trim().min(1).max(128) });
/** giftCards.redeem: `amount` of its value (a decimal string; all that is left when absent). */
export const ZGiftCardRedeemInputSchema = ZGiftCardRefSchema.extend({
  amount: zDecimal({ positive: true }).optional(),
});
export const ZGiftCardBalanceSchema = z.object({
  code: z.string(),
  reward_id: z.uuid(),
  customer_id: z.string().nullable(),
  value: z.string(),
  spent: z.string(),
  remaining: z.string(),
  expired_at: z.string().nullable(),
  redeemed_at: z.string().nullable(),
});

export const ZMigrationListInputSchema = ZCursorInputSchema.extend({
  status: z.enum(MIGRATION_STATUSES).optional(),
});
export const ZMigrationPageSchema = zCursorPage(ZMigrationJobSchema);
export const ZMigrationRetrySchema = z.object({
  job: ZMigrationJobSchema,
  /** The items of the old job queued again (0-based, as its errors name them). */
  retried: z.array(z.number().int()),
});
