import { z } from "zod";

/** Response shapes of the storefront API, exactly as Masivo's docs and the seeds show them. */
const ZIso = z.string();
const ZNullableIso = z.string().nullable();

export const ZRewardSchema = z.object({
  id: z.uuid(),
  brand_id: z.string().nullable(),
  platforms: z.array(z.string()).nullable(),
  name: z.string(),
  description: z.string().nullable(),
  type: z.enum(["POINTS", "DISCOUNT", "GIFT_CARD", "PRODUCT"]),
  conditions: z.array(z.array(z.record(z.string(), z.unknown()))),
  attributes: z.record(z.string(), z.unknown()),
});
export type TReward = z.infer<typeof ZRewardSchema>;

export const ZWalletLineSchema = z.object({
  id: z.uuid(),
  amount: z.number(),
  reward_id: z.uuid(),
  campaign_id: z.uuid().nullable(),
  brand_id: z.string().nullable(),
  issued_at: ZIso,
  expiration_date: ZNullableIso,
  reservation_expires_at: ZNullableIso,
});
export type TWalletLine = z.infer<typeof ZWalletLineSchema>;

export const ZWalletTotalSchema = z.object({
  total: z.number(),
  reserved: z.number(),
  available: z.number(),
  reward_id: z.uuid(),
  expiration_date: ZNullableIso,
  reward: ZRewardSchema,
});

export const ZWalletSchema = z.object({
  id: z.uuid(),
  owner_id: z.uuid(),
  lines: z.array(ZWalletLineSchema),
  totals: z.array(ZWalletTotalSchema),
});
export type TWallet = z.infer<typeof ZWalletSchema>;

export const ZCustomerSchema = z.object({
  id: z.string(),
  name: z.string().nullable(),
  email: z.string().nullable(),
  registration_date: ZIso,
  status: z.enum(["ACTIVE", "INACTIVE"]),
  is_anonymous: z.boolean(),
  gender: z.enum(["MALE", "FEMALE"]).nullable(),
  dob: ZNullableIso,
  document_type: z.string().nullable(),
  document_number: z.string().nullable(),
  country: z.string().nullable(),
  tier_id: z.uuid(),
  platforms: z.array(z.string()).nullable(),
  tags: z.record(z.string(), z.unknown()),
  consent: z.record(z.string(), z.unknown()).nullable(),
  devices: z.array(z.record(z.string(), z.unknown())),
  metrics: z.record(z.string(), z.unknown()),
  metadata: z.record(z.string(), z.unknown()),
});
export type TCustomer = z.infer<typeof ZCustomerSchema>;

export const ZCustomerWithWalletSchema = z.object({
  customer: ZCustomerSchema,
  wallet: ZWalletSchema,
});

export const ZTransactionSchema = z.object({
  id: z.uuid(),
  brand_id: z.string().nullable(),
  event_id: z.uuid().nullable(),
  campaign_id: z.uuid().nullable(),
  channel_id: z.string().nullable(),
  store_id: z.string().nullable(),
  funded_by: z.string().nullable(),
  event_type: z.string().nullable(),
  reward_type: z.string(),
  reward_id: z.uuid(),
  customer_id: z.string(),
  amount: z.number(),
  cost: z.number(),
  details: z.string().nullable(),
  type: z.enum([
    "ACCUMULATION",
    "REDEMPTION",
    "EXPIRATION",
    "MIGRATION",
    "TRANSFER",
    "REVERSAL",
    "ADJUSTMENT",
  ]),
  receiver_id: z.string().nullable(),
  sender_id: z.string().nullable(),
  created_at: ZIso,
  issued_at: ZIso,
  attributes: z.record(z.string(), z.unknown()),
  metadata: z.record(z.string(), z.unknown()),
});
export type TTransaction = z.infer<typeof ZTransactionSchema>;

export const ZTierSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  description: z.string().nullable(),
  status: z.enum(["ACTIVE", "INACTIVE"]),
  level: z.number().int(),
  entry_conditions: z.array(z.array(z.record(z.string(), z.unknown()))),
  exit_conditions: z.array(z.array(z.record(z.string(), z.unknown()))),
});
export type TTier = z.infer<typeof ZTierSchema>;

/** One code of a COUPONS campaign (`GET /campaigns/{id}?include=CODES`, extension). */
export const ZCouponCodeSchema = z.object({
  id: z.uuid(),
  code: z.string(),
  max_uses: z.number().int().nullable(),
  uses_count: z.number().int(),
  created_at: ZIso,
});
export type TCouponCode = z.infer<typeof ZCouponCodeSchema>;

export const ZCampaignSchema = z.object({
  id: z.uuid(),
  type: z.enum(["BEHAVIOR", "COUPONS", "PUNCH_CARDS", "REFERRALS"]),
  brand_id: z.string().nullable(),
  platforms: z.array(z.string()).nullable(),
  name: z.string(),
  description: z.string().nullable(),
  rules: z.array(
    z.object({
      conditions: z.array(z.array(z.record(z.string(), z.unknown()))),
      effects: z.array(z.record(z.string(), z.unknown())),
    }),
  ),
  attributes: z.record(z.string(), z.unknown()),
  status: z.enum(["RUNNING", "PAUSED", "SCHEDULED", "FINISHED"]),
  start_date: ZIso,
  end_date: ZNullableIso,
  funded_by: z.string().nullable(),
  budget: z.number().nullable(),
  divide_budget_in: z.string().nullable(),
  labels: z.array(z.string()),
  metadata: z.record(z.string(), z.unknown()),
  quantity: z.number().nullable(),
  /** REFERRALS: the rules rewarding the referee (the `rules` reward the referrer). */
  referee_rules: z
    .array(
      z.object({
        conditions: z.array(z.array(z.record(z.string(), z.unknown()))),
        effects: z.array(z.record(z.string(), z.unknown())),
      }),
    )
    .optional(),
  /** COUPONS campaigns read with `include=CODES` (extension). */
  codes: z.array(ZCouponCodeSchema).optional(),
});
export type TCampaign = z.infer<typeof ZCampaignSchema>;

export const EVENT_STATUSES = [
  "PENDING",
  "PROCESSING",
  "FAILED",
  "RESOLVED",
  "CANCELLED",
  "EXPIRED",
  "REVERSED",
] as const;

export const ZEventSchema = z.object({
  id: z.uuid(),
  customer_id: z.string(),
  brand_id: z.string().nullable(),
  type: z.string(),
  data: z.record(z.string(), z.unknown()),
  fulfilled: z.boolean(),
  reserve: z.number().nullable(),
  queue_message_id: z.null(),
  rewarding_campaigns: z.array(z.record(z.string(), z.unknown())),
  status: z.enum(EVENT_STATUSES),
  result: z
    .object({
      wallet: ZWalletSchema.optional(),
      customer: ZCustomerSchema.optional(),
      gift_card: z.array(z.unknown()),
      accumulations: z.array(ZWalletLineSchema),
      redemptions: z.array(ZWalletLineSchema),
      transactions: z.array(ZTransactionSchema),
      /** (extension) The order with its redemptions_result, as preview shows it. */
      order: z.record(z.string(), z.unknown()).optional(),
      /** (extension) What the purchase counted for earning and metrics, after redemptions. */
      paid_value: z.number().optional(),
      /** (extension) GIFT_CARD units earned but not given: the reward's pool had no code left. */
      gift_card_skipped: z
        .array(z.object({ reward_id: z.uuid(), campaign_id: z.uuid(), units: z.number() }))
        .optional(),
      /** (extension) The punch cards this event stamped, as they are after it. */
      punch_cards: z
        .array(
          z.object({
            campaign_id: z.uuid(),
            stamps: z.number().int(),
            punches: z.number().int(),
            completed: z.boolean(),
          }),
        )
        .optional(),
      /** (extension) The code a coupon redemption's event redeemed, and its campaign. */
      coupon: z.object({ code: z.string(), code_id: z.uuid(), campaign_id: z.uuid() }).optional(),
      /** (extension) What the event's referral code did (REWARDED, or why not). */
      referral: z.record(z.string(), z.unknown()).optional(),
    })
    .nullable(),
  issued_at: ZIso,
  processing_at: ZNullableIso,
  resolved_at: ZNullableIso,
  cancelled_at: ZNullableIso,
  expired_at: ZNullableIso,
  reversed_at: ZNullableIso,
});
export type TEvent = z.infer<typeof ZEventSchema>;

export const ZErrorSchema = z.object({
  error: z.string().regex(/^[A-Z_]+$/),
  details: z.string().min(1),
});
