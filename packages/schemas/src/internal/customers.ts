import { z } from "zod";
import { ZIdSchema } from "../common.ts";
import {
  ZCustomerSchema,
  ZEventSchema,
  ZRewardSchema,
  ZTransactionSchema,
  ZWalletLineSchema,
} from "../responses.ts";
import { ZCursorInputSchema, zCursorPage } from "./common.ts";
import { zDecimal } from "./decimal.ts";

const ZAmountString = z.string();

/** A wallet as the internal API answers it: every amount a decimal string. */
export const ZInternalWalletSchema = z.object({
  id: z.uuid(),
  owner_id: z.uuid(),
  lines: z.array(ZWalletLineSchema.extend({ amount: ZAmountString })),
  totals: z.array(
    z.object({
      total: ZAmountString,
      reserved: ZAmountString,
      available: ZAmountString,
      reward_id: z.uuid(),
      expiration_date: z.string().nullable(),
      reward: ZRewardSchema,
    }),
  ),
});
export type TInternalWallet = z.infer<typeof ZInternalWalletSchema>;

export const ZInternalCustomerWithWalletSchema = z.object({
  customer: ZCustomerSchema,
  wallet: ZInternalWalletSchema,
});

/** A ledger row as the internal API answers it: `amount` and `cost` as decimal strings. */
export const ZInternalTransactionSchema = ZTransactionSchema.extend({
  type: z.string(),
  amount: ZAmountString,
  cost: ZAmountString,
});
export type TInternalTransaction = z.infer<typeof ZInternalTransactionSchema>;

/**
 * An event as the internal API answers it: the storefront's Event, the amounts of its result
 * (wallet, lots, transactions) as decimal strings.
 */
export const ZInternalEventSchema = ZEventSchema.extend({
  result: z.record(z.string(), z.unknown()).nullable(),
});
export type TInternalEvent = z.infer<typeof ZInternalEventSchema>;

/** customers.search: any of id (exact), email (exact, ignoring case), a tag key, a tier; newest id last. */
export const ZCustomerSearchInputSchema = ZCursorInputSchema.extend({
  id: ZIdSchema.optional(),
  email: z.string().trim().min(1).max(320).optional(),
  tag: z.string().trim().min(1).max(128).optional(),
  tier_id: z.uuid().optional(),
});
export const ZCustomerPageSchema = zCursorPage(ZCustomerSchema);

/** Names one customer by the account's own id. */
export const ZCustomerRefSchema = z.object({ customer_id: ZIdSchema });

export const ZCustomerLedgerInputSchema = ZCursorInputSchema.extend({ customer_id: ZIdSchema });
export const ZTransactionPageSchema = zCursorPage(ZInternalTransactionSchema);

export const ZCustomerEventsInputSchema = ZCursorInputSchema.extend({ customer_id: ZIdSchema });
export const ZEventPageSchema = zCursorPage(ZInternalEventSchema);

/**
 * customers.adjust: a manual credit or debit of one reward. `id` is the client's: a retry with
 * the same fields answers the adjustment made, other fields are a CONFLICT.
 */
export const ZAdjustmentInputSchema = z
  .object({
    id: z.uuid(),
    customer_id: ZIdSchema,
    reward_id: z.uuid(),
    direction: z.enum(["CREDIT", "DEBIT"]),
    amount: zDecimal({ positive: true }),
    reason: z.string().trim().min(1).max(500),
    actor: z.string().trim().min(1).max(200),
    /** A credit's lot expiry: a duration from now ("30/days") … */
    expires_in: z.string().max(30).optional(),
    /** … or an instant (ISO 8601, in the future). Neither: the lot never expires. */
    expiration_date: z.iso.datetime({ offset: true }).optional(),
  })
  .refine((a) => a.direction === "CREDIT" || (!a.expires_in && !a.expiration_date), {
    message: "a debit takes no expiry",
    path: ["expires_in"],
  })
  .refine((a) => !(a.expires_in && a.expiration_date), {
    message: "give expires_in or expiration_date, not both",
    path: ["expiration_date"],
  });
export type TAdjustmentInput = z.infer<typeof ZAdjustmentInputSchema>;
