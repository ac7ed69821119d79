import { z } from "zod";
import {
  TRANSACTION_TYPES,
  ZAmountSchema,
  ZDateTimeSchema,
  ZIdSchema,
  ZPositiveAmountSchema,
  ZSignedAmountSchema,
  ZTextSchema,
  ZUuidSchema,
} from "./common.ts";
import { ZCustomerCreateSchema } from "./customer.ts";
import { formatIssues } from "./format.ts";
import { ZOrderSchema } from "./order.ts";

/** Most records one migrate request may carry (docs/api-decisions.md#migrations-and-imports): customers, events or transactions. */
export const MIGRATION_BATCH_LIMIT = 1000;
export const MIGRATION_TYPES = ["CUSTOMERS", "EVENTS", "TRANSACTIONS"] as const;
export type TMigrationType = (typeof MIGRATION_TYPES)[number];
export const MIGRATION_STATUSES = ["QUEUED", "RUNNING", "SUCCEEDED", "PARTIAL", "FAILED"] as const;

/** One migrated opening balance: becomes a wallet line with a MIGRATION transaction. */
export const ZMigrateBalanceSchema = z.object({
  reward_id: ZUuidSchema,
  amount: ZPositiveAmountSchema,
  expiration_date: ZDateTimeSchema.nullish(),
  brand_id: ZIdSchema.nullish(),
  channel_id: ZIdSchema.nullish(),
  store_id: ZIdSchema.nullish(),
  issued_at: ZDateTimeSchema.nullish(),
  funded_by: z.string().max(64).nullish(),
});

export const ZPeriodMetricsSchema = z.object({
  from: ZDateTimeSchema.nullish(),
  to: ZDateTimeSchema.nullish(),
  tier_id: ZUuidSchema.nullish(),
  last_visit: ZDateTimeSchema.nullish(),
  last_session: ZDateTimeSchema.nullish(),
  spend_total: ZAmountSchema.nullish(),
  number_of_purchases: z.number().int().nonnegative().nullish(),
});

/** Customer metrics keyed by period, as Masivo shows them. */
export const ZMigrateMetricsSchema = z.object({
  lifetime: ZPeriodMetricsSchema.optional(),
  this_year: ZPeriodMetricsSchema.optional(),
  last_year: ZPeriodMetricsSchema.optional(),
  this_quarter: ZPeriodMetricsSchema.optional(),
  last_quarter: ZPeriodMetricsSchema.optional(),
  this_month: ZPeriodMetricsSchema.optional(),
  last_month: ZPeriodMetricsSchema.optional(),
  updated_at: ZDateTimeSchema.optional(),
});

export const ZMigrateCustomerSchema = ZCustomerCreateSchema.pick({
  id: true,
  name: true,
  email: true,
  registration_date: true,
  gender: true,
  dob: true,
  document_type: true,
  document_number: true,
  country: true,
}).extend({
  balance: z.array(ZMigrateBalanceSchema).max(MIGRATION_BATCH_LIMIT).nullish(),
  metrics: ZMigrateMetricsSchema.nullish(),
});
export type TMigrateCustomer = z.infer<typeof ZMigrateCustomerSchema>;

/** `POST /customers/migrate`: ≤1000 customers. */
export const ZMigrateCustomersSchema = z.object({
  customers: z.array(ZMigrateCustomerSchema).min(1).max(MIGRATION_BATCH_LIMIT),
});
export type TMigrateCustomers = z.infer<typeof ZMigrateCustomersSchema>;

/** A historic PURCHASE: stored RESOLVED, never rewarded, moves metrics and tier. */
export const ZMigrateEventSchema = z.object({
  type: z.literal("PURCHASE"),
  brand_id: ZIdSchema.nullish(),
  order: ZOrderSchema,
  fulfilled: z.boolean().nullish(),
  issued_at: ZDateTimeSchema,
  resolved_at: ZDateTimeSchema.nullish(),
  channel_id: ZIdSchema.nullish(),
  store_id: ZIdSchema.nullish(),
});
export type TMigrateEvent = z.infer<typeof ZMigrateEventSchema>;

/** Counts the records inside the items and rejects a batch holding more than the limit. */
function limitRecords<T extends { customers: Record<K, unknown[]>[] }, K extends string>(key: K) {
  return (body: T, ctx: z.RefinementCtx) => {
    const count = body.customers.reduce((n, c) => n + c[key].length, 0);
    if (count > MIGRATION_BATCH_LIMIT)
      ctx.addIssue({
        code: "custom",
        path: ["customers"],
        message: `holds ${count} ${key}; a batch holds at most ${MIGRATION_BATCH_LIMIT}`,
      });
  };
}

/**
 * A customer's records in one item of a file import: its whole history (it reconciles as a
 * whole), up to 100,000 records; a REST batch holds at most 1000 records in all.
 */
export const FILE_ITEM_RECORD_LIMIT = 100_000;

const eventsItem = (max: number) =>
  z.object({ id: ZIdSchema, events: z.array(ZMigrateEventSchema).min(1).max(max) });

/** `POST /customers/migrate/events`: each customer ≥1 event, ≤1000 events in all. */
export const ZMigrateEventsSchema = z
  .object({
    customers: z.array(eventsItem(MIGRATION_BATCH_LIMIT)).min(1).max(MIGRATION_BATCH_LIMIT),
  })
  .superRefine(limitRecords("events"));
export type TMigrateEvents = z.infer<typeof ZMigrateEventsSchema>;

/** A ledger row of the old system: signed amount (negative = spent). */
export const ZMigrateTransactionSchema = z.object({
  brand_id: ZIdSchema.nullish(),
  reward_id: ZUuidSchema,
  details: ZTextSchema.nullish(),
  type: z.enum(TRANSACTION_TYPES),
  issued_at: ZDateTimeSchema,
  resolved_at: ZDateTimeSchema.nullish(),
  amount: ZSignedAmountSchema,
  cost: ZAmountSchema.nullish(),
  store_id: ZIdSchema.nullish(),
  channel_id: ZIdSchema.nullish(),
  event: z.object({ type: z.literal("PURCHASE"), order: ZOrderSchema.nullish() }).nullish(),
  funded_by: z.string().max(64).nullish(),
});
export type TMigrateTransaction = z.infer<typeof ZMigrateTransactionSchema>;

const transactionsItem = (max: number) =>
  z.object({ id: ZIdSchema, transactions: z.array(ZMigrateTransactionSchema).min(1).max(max) });

/** `POST /customers/migrate/transactions`: each customer ≥1 transaction, ≤1000 in all. */
export const ZMigrateTransactionsSchema = z
  .object({
    customers: z.array(transactionsItem(MIGRATION_BATCH_LIMIT)).min(1).max(MIGRATION_BATCH_LIMIT),
  })
  .superRefine(limitRecords("transactions"));
export type TMigrateTransactions = z.infer<typeof ZMigrateTransactionsSchema>;

const MAX_REPORTED_ISSUES = 200;

/** Like formatIssues, but names up to 200 bad fields of a whole batch (then counts the rest). */
export function formatBatchIssues(issues: z.core.$ZodIssue[], prefix = ""): string {
  const parts: string[] = [];
  for (let i = 0; i < Math.min(issues.length, MAX_REPORTED_ISSUES); i += 20) {
    parts.push(
      formatIssues(new z.ZodError(issues.slice(i, Math.min(i + 20, MAX_REPORTED_ISSUES))), prefix),
    );
  }
  const rest = issues.length - MAX_REPORTED_ISSUES;
  return rest > 0 ? `${parts.join("; ")}; … and ${rest} more` : parts.join("; ");
}

/** The request schema of each migration type. */
export const MIGRATION_SCHEMAS = {
  CUSTOMERS: ZMigrateCustomersSchema,
  EVENTS: ZMigrateEventsSchema,
  TRANSACTIONS: ZMigrateTransactionsSchema,
} as const;

/** One item of each migration type as a file import reads it (histories up to 100,000 records). */
export const MIGRATION_FILE_ITEM_SCHEMAS = {
  CUSTOMERS: ZMigrateCustomerSchema,
  EVENTS: eventsItem(FILE_ITEM_RECORD_LIMIT),
  TRANSACTIONS: transactionsItem(FILE_ITEM_RECORD_LIMIT),
} as const;

export const ZMigrationErrorSchema = z.object({
  item: z.number().int(),
  customer_id: z.string().nullable(),
  code: z.string(),
  details: z.string(),
});
export type TMigrationError = z.infer<typeof ZMigrationErrorSchema>;

/** `GET /migrations/{id}` (extension): a job's progress and per-item errors. */
export const ZMigrationJobSchema = z.object({
  id: z.uuid(),
  type: z.enum(MIGRATION_TYPES),
  status: z.enum(MIGRATION_STATUSES),
  items: z.number().int(),
  records: z.number().int(),
  processed: z.number().int(),
  succeeded: z.number().int(),
  failed: z.number().int(),
  duplicates: z.number().int(),
  errors: z.array(ZMigrationErrorSchema),
  created_at: z.string(),
  started_at: z.string().nullable(),
  finished_at: z.string().nullable(),
});
export type TMigrationJob = z.infer<typeof ZMigrationJobSchema>;
