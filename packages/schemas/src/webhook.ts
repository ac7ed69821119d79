import { z } from "zod";
import { ZMigrationJobSchema } from "./migrate.ts";
import { ZCustomerSchema, ZTransactionSchema, ZWalletSchema } from "./responses.ts";

/** Every webhook event Tally sends (docs/webhooks.md); PING is the test a caller asks for. */
export const WEBHOOK_EVENTS = [
  "CUSTOMER_REGISTRATION",
  "CUSTOMER_ANONYMOUS_TO_REGISTERED",
  "CUSTOMER_ACCUMULATION",
  "CUSTOMER_REDEMPTION",
  "REDEMPTION_REVERSED",
  "RESERVATION_CREATED",
  "RESERVATION_FULFILLED",
  "RESERVATION_CANCELLED",
  "REWARD_EXPIRED",
  "TIER_UPGRADE",
  "TIER_DOWNGRADE",
  "COUPON_REDEEMED",
  "MIGRATION_COMPLETED",
] as const;
export const ZWebhookEventSchema = z.enum(WEBHOOK_EVENTS);
export type TWebhookEvent = z.infer<typeof ZWebhookEventSchema>;
/** What a delivery may carry: an event, or the test ping. */
export type TWebhookDeliveryEvent = TWebhookEvent | "PING";

/** What every customer event carries: whose change, the ledger rows it wrote, the wallet after. */
const ZCustomerChangeSchema = z.object({
  customer_id: z.string(),
  /** The event the change belongs to (null for an expiry of lots). */
  event_id: z.uuid().nullable(),
  transactions: z.array(ZTransactionSchema),
  wallet: ZWalletSchema,
});

const ZTierChangeSchema = ZCustomerChangeSchema.extend({
  tier: z.object({ from: z.uuid(), to: z.uuid() }),
});

/** `data` of each event, by name. */
export const WEBHOOK_DATA_SCHEMAS = {
  CUSTOMER_REGISTRATION: ZCustomerChangeSchema.extend({ customer: ZCustomerSchema }),
  CUSTOMER_ANONYMOUS_TO_REGISTERED: ZCustomerChangeSchema.extend({
    customer: ZCustomerSchema,
    /** The id it had while anonymous (the same as customer_id unless identified under a new one). */
    previous_id: z.string(),
  }),
  CUSTOMER_ACCUMULATION: ZCustomerChangeSchema,
  CUSTOMER_REDEMPTION: ZCustomerChangeSchema,
  REDEMPTION_REVERSED: ZCustomerChangeSchema.extend({ reason: z.string().nullable() }),
  RESERVATION_CREATED: ZCustomerChangeSchema.extend({ expires_at: z.string().nullable() }),
  RESERVATION_FULFILLED: ZCustomerChangeSchema,
  RESERVATION_CANCELLED: ZCustomerChangeSchema.extend({
    /** REVERSED: cancelled by a reversal; EXPIRED: its window closed. */
    cause: z.enum(["REVERSED", "EXPIRED"]),
  }),
  REWARD_EXPIRED: ZCustomerChangeSchema,
  TIER_UPGRADE: ZTierChangeSchema,
  TIER_DOWNGRADE: ZTierChangeSchema,
  COUPON_REDEEMED: ZCustomerChangeSchema.extend({ code: z.string() }),
  MIGRATION_COMPLETED: z.object({ migration: ZMigrationJobSchema }),
  PING: z.object({ subscription_id: z.uuid(), message: z.string() }),
} as const satisfies Record<TWebhookDeliveryEvent, z.ZodType>;

/** The body of every delivery; `id` is the `webhook-id` header, the same on every attempt. */
export function webhookBodySchema<E extends TWebhookDeliveryEvent>(event: E) {
  return z.object({
    id: z.uuid(),
    event: z.literal(event),
    created_at: z.string(),
    data: WEBHOOK_DATA_SCHEMAS[event],
  });
}
export type TWebhookData<E extends TWebhookDeliveryEvent> = z.infer<
  (typeof WEBHOOK_DATA_SCHEMAS)[E]
>;

const ZWebhookUrlSchema = z.string().trim().url().max(2000);
const ZEventsSchema = z.array(ZWebhookEventSchema).min(1).nullable();

export const ZWebhookSubscriptionCreateSchema = z.object({
  url: ZWebhookUrlSchema,
  /** null or absent: every event. */
  events: ZEventsSchema.default(null),
  enabled: z.boolean().default(true),
  description: z.string().max(500).nullable().default(null),
});
export type TWebhookSubscriptionCreate = z.input<typeof ZWebhookSubscriptionCreateSchema>;

export const ZWebhookSubscriptionUpdateSchema = z.object({
  url: ZWebhookUrlSchema.optional(),
  events: ZEventsSchema.optional(),
  enabled: z.boolean().optional(),
  description: z.string().max(500).nullable().optional(),
});
export type TWebhookSubscriptionUpdate = z.input<typeof ZWebhookSubscriptionUpdateSchema>;

export const ZWebhookSubscriptionSchema = z.object({
  id: z.uuid(),
  url: z.string(),
  events: z.array(ZWebhookEventSchema).nullable(),
  enabled: z.boolean(),
  description: z.string().nullable(),
  disabled_reason: z.string().nullable(),
  /** Until when the secret before the last rotation still signs (null: no rotation running). */
  previous_secret_expires_at: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type TWebhookSubscription = z.infer<typeof ZWebhookSubscriptionSchema>;

/** A subscription as created or rotated: the only answer that shows its secret. */
export const ZWebhookSubscriptionWithSecretSchema = ZWebhookSubscriptionSchema.extend({
  secret: z.string(),
});

export const ZWebhookDeliverySchema = z.object({
  id: z.uuid(),
  subscription_id: z.uuid(),
  event: z.string(),
  status: z.enum(["PENDING", "DELIVERED", "FAILED", "DEAD"]),
  attempts: z.number().int(),
  next_attempt_at: z.string().nullable(),
  last_attempt_at: z.string().nullable(),
  last_status_code: z.number().int().nullable(),
  /** The start of the receiver's last answer (at most 500 characters). */
  last_response: z.string().nullable(),
  last_error: z.string().nullable(),
  delivered_at: z.string().nullable(),
  created_at: z.string(),
});
export type TWebhookDelivery = z.infer<typeof ZWebhookDeliverySchema>;

/** Inputs of the internal API's `webhooks` procedures (the account scope is added by each). */
export const ZWebhookRefSchema = z.object({ id: z.uuid() });
export const ZWebhookUpdateInputSchema = ZWebhookSubscriptionUpdateSchema.extend({ id: z.uuid() });
export const ZWebhookRotateInputSchema = z.object({
  id: z.uuid(),
  /** How long the old secret keeps signing (default 24 h, at most 7 days; 0: not at all). */
  grace_seconds: z
    .number()
    .int()
    .min(0)
    .max(7 * 86_400)
    .optional(),
});
export const ZWebhookDeliveriesInputSchema = z.object({
  subscription_id: z.uuid(),
  status: z.enum(["PENDING", "DELIVERED", "FAILED", "DEAD"]).optional(),
  cursor: z.string().min(1).max(200).optional(),
  limit: z.number().int().min(1).max(200).default(50),
});
export const ZWebhookDeliveriesPageSchema = z.object({
  items: z.array(ZWebhookDeliverySchema),
  next_cursor: z.string().nullable(),
});
export const ZWebhookRedeliverFailedInputSchema = z.object({
  subscription_id: z.uuid(),
  /** Failed and dead deliveries created at or after this instant are sent again. */
  since: z.iso.datetime({ offset: true }),
});
