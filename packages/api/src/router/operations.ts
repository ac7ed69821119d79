import {
  ZEventListInputSchema,
  ZEventPageSchema,
  ZEventRefSchema,
  ZEventReverseInputSchema,
  ZGiftCardBalanceSchema,
  ZGiftCardRedeemInputSchema,
  ZGiftCardRefSchema,
  ZInternalEventSchema,
  ZLedgerAuditInputSchema,
  ZLedgerAuditSchema,
  ZLiabilityInputSchema,
  ZLiabilityReportSchema,
  ZMigrationJobSchema,
  ZMigrationListInputSchema,
  ZMigrationPageSchema,
  ZMigrationRetrySchema,
  ZUuidRefSchema,
} from "@tally/schemas";
import {
  auditLedger,
  findCustomer,
  fulfilEvent,
  getEvent,
  getGiftCardBalance,
  getMigrationJob,
  listEventsOfCustomer,
  listEventsOfDay,
  listMigrationJobs,
  redeemGiftCard,
  reportLiability,
  retryFailedMigrationItems,
  reverseEvent,
} from "@tally/service";
import { accountProcedure, createRouter } from "../trpc.ts";
import { toInternalEvent } from "../views.ts";

/** Events: list by customer or day, get, fulfil, reverse (a manual adjustment too). */
export const eventsRouter = createRouter({
  list: accountProcedure
    .input(ZEventListInputSchema)
    .output(ZEventPageSchema)
    .query(async ({ ctx, input }) => {
      const page =
        "customer_id" in input
          ? await listEventsOfCustomer(ctx, ctx.accountId, input)
          : await listEventsOfDay(ctx, ctx.accountId, input);
      return { ...page, items: page.items.map(toInternalEvent) };
    }),
  get: accountProcedure
    .input(ZEventRefSchema)
    .output(ZInternalEventSchema)
    .query(async ({ ctx, input }) => toInternalEvent(await getEvent(ctx, ctx.accountId, input.id))),
  fulfil: accountProcedure
    .input(ZEventRefSchema)
    .output(ZInternalEventSchema)
    .mutation(async ({ ctx, input }) =>
      toInternalEvent(await fulfilEvent(ctx, ctx.accountId, input.id)),
    ),
  reverse: accountProcedure
    .input(ZEventReverseInputSchema)
    .output(ZInternalEventSchema)
    .mutation(async ({ ctx, input }) =>
      toInternalEvent(
        await reverseEvent(ctx, { accountId: ctx.accountId, id: input.id, reason: input.reason }),
      ),
    ),
});

/** The ledger: the audit of its invariant and the liability report. */
export const ledgerRouter = createRouter({
  audit: accountProcedure
    .input(ZLedgerAuditInputSchema)
    .output(ZLedgerAuditSchema)
    .query(async ({ ctx, input }) => {
      const customer = input.customer_id
        ? await findCustomer(ctx.db, ctx.accountId, input.customer_id)
        : null;
      const all = await auditLedger(ctx.db, ctx.accountId);
      const mismatches = customer ? all.filter((m) => m.customer_uuid === customer.uuid) : all;
      return { healthy: mismatches.length === 0, mismatches };
    }),
  liability: accountProcedure
    .input(ZLiabilityInputSchema)
    .output(ZLiabilityReportSchema)
    .query(({ ctx, input }) =>
      reportLiability(ctx.db, { accountId: ctx.accountId, ...input, now: ctx.now() }),
    ),
});

/** Gift cards: what one has left, and redeeming it (whole or in parts). */
export const giftCardsRouter = createRouter({
  get: accountProcedure
    .input(ZGiftCardRefSchema)
    .output(ZGiftCardBalanceSchema)
    .query(({ ctx, input }) => getGiftCardBalance(ctx, ctx.accountId, input.code)),
  redeem: accountProcedure
    .input(ZGiftCardRedeemInputSchema)
    .output(ZGiftCardBalanceSchema)
    .mutation(({ ctx, input }) => redeemGiftCard(ctx, ctx.accountId, input)),
});

/** Migration jobs: list, status with per-item errors, retry of the failed items. */
export const migrationsRouter = createRouter({
  list: accountProcedure
    .input(ZMigrationListInputSchema)
    .output(ZMigrationPageSchema)
    .query(({ ctx, input }) => listMigrationJobs(ctx, ctx.accountId, input)),
  get: accountProcedure
    .input(ZUuidRefSchema)
    .output(ZMigrationJobSchema)
    .query(({ ctx, input }) => getMigrationJob(ctx, ctx.accountId, input.id)),
  retryFailed: accountProcedure
    .input(ZUuidRefSchema)
    .output(ZMigrationRetrySchema)
    .mutation(({ ctx, input }) => retryFailedMigrationItems(ctx, ctx.accountId, input.id)),
});
